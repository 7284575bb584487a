/// Context words and phrases near a token ("date of birth", "my number is"), matched on
/// lowercased tokens. Phrases are lists of words so "d o b" (spelled, normalised to `dob`) and
/// "date of birth" are both one entry.
struct ContextPhrases: Sendable {
    /// Phrases by their first word, and by their last: most tokens match neither, and one table
    /// probe rules them out without comparing every phrase.
    private let byFirstWord: WordTable<[[TokenText]]>
    private let byLastWord: WordTable<[[TokenText]]>
    /// Each phrase's first word, once.
    private let firstWords: [TokenText]

    init(_ phrases: [String]) {
        let split = phrases.map { $0.split(separator: " ").map { String($0) } }
        firstWords = Set(split.map { $0[0] }).sorted().map { TokenText($0) }
        byFirstWord = WordTable(Dictionary(grouping: split, by: { $0[0] }).mapValues { $0.map { $0.map { TokenText($0) } } })
        byLastWord = WordTable(Dictionary(grouping: split, by: { $0[$0.count - 1] }).mapValues { $0.map { $0.map { TokenText($0) } } })
    }

    /// Whether a phrase ends within `window` tokens before `index` (punctuation does not count).
    func precedes(_ tokens: [Token], _ index: Int, window: Int) -> Bool {
        var end = index - 1
        var seen = 0
        while end >= 0, seen < window {
            if tokens[end].kind != .punct {
                if let candidates = byLastWord[tokens[end].text], matches(tokens, candidates, endingAt: end) { return true }
                seen += 1
            }
            end -= 1
        }
        return false
    }

    /// The token indices where one of the phrases may start (its first word is there), ascending:
    /// on a long text a few probes of its `WordPositions`, on a short one a probe per word token.
    func possibleStarts(in text: ScannedText) -> [Int] {
        var starts: [Int] = []
        guard let positions = text.wordPositions else {
            for (index, token) in text.tokens.enumerated() where token.kind == .word && byFirstWord[token.text] != nil {
                starts.append(index)
            }
            return starts
        }
        for word in firstWords { positions.forEach(word, in: text.tokens) { starts.append($0) } }
        if firstWords.count > 1, starts.count > 1 { starts.sort() }
        return starts
    }

    /// The index just past the phrase starting at `index`, if one does.
    func match(_ tokens: [Token], at index: Int) -> Int? {
        guard let candidates = byFirstWord[tokens[index].text] else { return nil }
        // Longest phrase first, so "medical record number" wins over "medical record".
        var best: Int?
        for phrase in candidates {
            if let end = matchEnd(tokens, phrase, startingAt: index), end > (best ?? -1) { best = end }
        }
        return best
    }

    private func matches(_ tokens: [Token], _ candidates: [[TokenText]], endingAt end: Int) -> Bool {
        candidates.contains { phrase in
            var position = end
            for word in phrase.reversed() {
                while position >= 0, tokens[position].kind == .punct, tokens[position].text != "#" { position -= 1 }
                guard position >= 0, tokens[position].text == word else { return false }
                position -= 1
            }
            return true
        }
    }

    private func matchEnd(_ tokens: [Token], _ phrase: [TokenText], startingAt start: Int) -> Int? {
        var position = start
        for word in phrase {
            // Apostrophes and hyphens inside a phrase ("driver's", "e-mail") arrive as separate tokens.
            while position < tokens.count, tokens[position].kind == .punct, tokens[position].text != "#" { position += 1 }
            guard position < tokens.count, tokens[position].text == word else { return nil }
            position += 1
        }
        return position
    }
}
