/// Finds an identifier introduced by a context phrase: "MRN 4827193", "member id is A B 1 2 3 4 5",
/// "serial number: SN-99812-X". Used by the recognizers for kinds whose values have no fixed
/// shape of their own (MRN, member ids, licences, plates, serials, account numbers).
struct IdentifierAfterContext: Sendable {
    struct Match: Sendable {
        var start: Int
        var end: Int
        /// Letters and digits of the identifier, separators removed.
        var value: String
        var spoken: Bool
    }

    let context: ContextPhrases
    var minLength = 5
    var maxLength = 20
    var minDigits = 3
    /// Tokens allowed between the phrase and the identifier.
    var maxGap = 4

    /// Words between the phrase and the identifier. The answer words let an identifier asked for
    /// be found in its answer: "your member id? yes, it's W987654321" (a call's two speakers in one
    /// transcript line, or the agent's question put before the caller's answer).
    static let gapWords: WordSet = [
        "is", "number", "numbers", "num", "no", "id", "it's", "its", "it", "the", "my", "was", "of", "a", "an",
        "uh", "um", "s", "should", "be", "will", "that", "this", "on", "file", "reads", "ends", "with", "code", "#",
        "yes", "yeah", "yep", "sure", "okay", "ok",
    ]

    static let gapSymbols: WordSet = [":", "#", "-", ",", ".", "?"]

    func matches(in text: ScannedText) -> [Match] {
        let tokens = text.tokens
        var matches: [Match] = []
        var resume = 0
        for index in context.possibleStarts(in: text) where index >= resume {
            guard let phraseEnd = context.match(tokens, at: index) else { continue }
            var cursor = phraseEnd
            var gap = 0
            while cursor < tokens.count, gap <= maxGap {
                let token = tokens[cursor]
                if token.kind == .punct, Self.gapSymbols.contains(token.text) { cursor += 1; continue }
                if token.kind == .word, Self.gapWords.contains(token.text) { cursor += 1; gap += 1; continue }
                break
            }
            if cursor < tokens.count, let match = identifier(in: tokens, from: cursor) {
                matches.append(match)
                resume = max(index + 1, lastIndex(of: match, in: tokens, from: cursor) + 1)
            }
        }
        return matches
    }

    /// Consecutive identifier pieces: numbers, words containing digits, a short letter prefix
    /// before a number ("AB 12345"), joined directly or by '-' / spaces.
    func identifier(in tokens: [Token], from first: Int) -> Match? {
        var value = ""
        var end = first
        var cursor = first
        var spoken = false
        while cursor < tokens.count {
            let token = tokens[cursor]
            let isPiece: Bool
            switch token.kind {
            case .number: isPiece = true
            case .word:
                let hasDigit = token.digitCount > 0
                let shortPrefix = value.isEmpty && token.length <= 3 && cursor + 1 < tokens.count
                    && (tokens[cursor + 1].kind == .number || (tokens[cursor + 1].isPunct("-") && cursor + 2 < tokens.count && tokens[cursor + 2].kind == .number))
                let attachedLetters = !value.isEmpty && !token.spaceBefore && token.length <= 4
                isPiece = hasDigit || shortPrefix || attachedLetters
            case .punct:
                // A hyphen or slash between two pieces: "SN-99812-X".
                if token.isPunct("-") || token.isPunct("/"), !value.isEmpty, cursor + 1 < tokens.count,
                   tokens[cursor + 1].kind != .punct, !tokens[cursor + 1].spaceBefore {
                    cursor += 1
                    continue
                }
                isPiece = false
            }
            guard isPiece, value.count + token.length <= maxLength else { break }
            // A spaced-out piece must itself look like part of an id, not the next word of the sentence.
            if !value.isEmpty, token.spaceBefore, token.kind == .word, token.digitCount == 0 { break }
            value += token.text.string
            spoken = spoken || token.spoken
            end = cursor
            cursor += 1
        }
        let digits = value.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }.count
        guard value.count >= minLength, digits >= minDigits else { return nil }
        return Match(start: tokens[first].start, end: tokens[end].end, value: value, spoken: spoken)
    }

    private func lastIndex(of match: Match, in tokens: [Token], from start: Int) -> Int {
        var index = start
        while index + 1 < tokens.count, tokens[index + 1].end <= match.end { index += 1 }
        return index
    }
}
