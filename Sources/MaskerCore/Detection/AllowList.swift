/// The policy's `allow:` phrases, matched against a turn's tokens: a detection lying wholly inside
/// an allowed phrase is dropped, whichever pass made it. "Sunrise Clinic" stays in "thanks for
/// calling sunrise clinic" while "Dr. Chen at Sunrise Clinic" still loses "Chen".
///
/// Matching runs on normalised tokens, so case, punctuation around the phrase and ASR's spacing do
/// not matter; a phrase matches only on whole words ("Sun" does not allow "Sunrise").
struct AllowList: Sendable {
    private let phrases: [[TokenText]]
    /// First words of the phrases: most turns hold none, and are rejected with one lookup a token.
    private let firstWords: WordSet

    init(_ allow: [String]) {
        phrases = allow.map { phrase in
            Tokenizer.tokenize(phrase).filter { $0.kind != .punct }.map(\.text)
        }.filter { !$0.isEmpty }
        firstWords = WordSet(phrases.map { $0[0].string })
    }

    var isEmpty: Bool { phrases.isEmpty }

    /// Scalar ranges of the allowed phrases in the turn.
    func occurrences(in tokens: [Token]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        let words = tokens.indices.filter { tokens[$0].kind != .punct }
        for (position, index) in words.enumerated() where firstWords.contains(tokens[index].text) {
            for phrase in phrases where position + phrase.count <= words.count {
                if (0..<phrase.count).allSatisfy({ tokens[words[position + $0]].text == phrase[$0] }) {
                    ranges.append(tokens[index].start..<tokens[words[position + phrase.count - 1]].end)
                }
            }
        }
        return ranges
    }

    func filter(_ detections: [Detection], tokens: [Token]) -> [Detection] {
        guard !isEmpty, !detections.isEmpty else { return detections }
        let allowed = occurrences(in: tokens)
        guard !allowed.isEmpty else { return detections }
        return detections.filter { detection in
            !allowed.contains { $0.lowerBound <= detection.start && detection.end <= $0.upperBound }
        }
    }
}
