/// Where each word of a turn occurs: built once per turn, so a recognizer that starts at a context
/// phrase ("mrn", "member id", "serial number") probes once per word of its phrase list instead
/// of once per token of the turn.
///
/// Why: seven recognizers start at a phrase, and each walked every token asking its phrase table
/// whether a phrase began there; on long notes that walk was the largest single cost of the regex
/// pass (14 % in `perf`). One insert per word here replaces seven probes per token.
///
/// Short turns go without: for a few dozen tokens, building the table (two arrays) costs what it
/// saves (27.1 MB/s either way on `bench/corpus/turns-200.jsonl`); on long notes the regex pass
/// went from 18.7 to 22.4 MB/s.
///
/// Open addressing on the hash `TokenText` already carries; each slot heads a chain of the
/// word's occurrences in ascending order.
struct WordPositions: Sendable {
    static let minimumTokens = 64

    /// Per slot: the first token with that text, plus one (0 is an empty slot).
    private var heads: [Int32]
    /// Per token: the next token with the same text, or -1.
    private var next: [Int32]
    private let mask: Int

    init(_ tokens: [Token]) {
        var size = 16
        while size < tokens.count * 2 { size *= 2 }
        var heads = [Int32](repeating: 0, count: size)
        var next = [Int32](repeating: -1, count: tokens.count)
        let mask = size - 1
        tokens.withUnsafeBufferPointer { tokens in
            // Backwards, so each chain ends up in ascending order.
            var index = tokens.count - 1
            while index >= 0 {
                if tokens[index].kind == .word {
                    let text = tokens[index].text
                    var slot = Int(truncatingIfNeeded: text.hash) & mask
                    while heads[slot] != 0, tokens[Int(heads[slot]) - 1].text != text { slot = (slot + 1) & mask }
                    if heads[slot] != 0 { next[index] = heads[slot] - 1 }
                    heads[slot] = Int32(index + 1)
                }
                index -= 1
            }
        }
        self.heads = heads
        self.next = next
        self.mask = mask
    }

    /// Calls `body` with each index of a word token whose text is `word`, ascending.
    @inline(__always) func forEach(_ word: TokenText, in tokens: [Token], _ body: (Int) -> Void) {
        var slot = Int(truncatingIfNeeded: word.hash) & mask
        while heads[slot] != 0 {
            let first = Int(heads[slot]) - 1
            if tokens[first].text == word {
                var index = first
                while index >= 0 {
                    body(index)
                    index = Int(next[index])
                }
                return
            }
            slot = (slot + 1) & mask
        }
    }
}
