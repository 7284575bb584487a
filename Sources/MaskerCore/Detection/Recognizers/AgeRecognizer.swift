/// AGE over 89 (Safe Harbor C): "92 years old", "a 95-year-old", "aged 91", "age: 90", "I'm 93",
/// "ninety two year old", "died at ninety one years of age". Younger ages are not identifying and are
/// never reported, nor is a number followed by a unit ("not a hundred percent sure", "ninety pounds").
/// 0.9 with "years old"/"aged", 0.7 after "I'm"/"she is".
struct AgeRecognizer: Recognizer {
    let name = "age"
    var kinds: Set<EntityKind> { [.age] }
    var minimumDigits: Int { 2 }

    static let before = ContextPhrases(["age", "aged", "age is", "ages", "at age", "died at", "passed away at", "death at"])
    /// A number followed by one of these measures something else ("a hundred percent", "ninety pounds").
    static let units: WordSet = [
        "percent", "%", "pounds", "lbs", "lb", "mg", "ml", "dollars", "degrees", "points", "times", "minutes",
        "seconds", "hours", "days", "weeks", "months", "miles", "kg", "kilos", "feet", "inches", "units", "beats",
        "over", "by", "milligrams", "cc", "mmhg", "steps",
    ]
    static let weakBefore = ContextPhrases(["i'm", "i am", "she's", "he's", "she is", "he is", "turned", "turning"])

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        for index in text.digitTokens.lazy.map(Int.init) where tokens[index].kind == .number {
            let token = tokens[index]
            guard let age = token.text.integerValue, (90...125).contains(age), token.length <= 3 else { continue }
            if index + 1 < tokens.count, Self.units.contains(tokens[index + 1].text) { continue }
            if let end = yearsOld(tokens, after: index) {
                candidates.append(Candidate(kind: .age, start: token.start, end: end, confidence: 0.9))
            } else if Self.before.precedes(tokens, index, window: 2) {
                candidates.append(Candidate(kind: .age, start: token.start, end: token.end, confidence: 0.9))
            } else if Self.weakBefore.precedes(tokens, index, window: 2) {
                candidates.append(Candidate(kind: .age, start: token.start, end: token.end, confidence: 0.7))
            }
        }
        return candidates
    }

    /// End of "years old", "-year-old", "yo", "y/o" after the number.
    private func yearsOld(_ tokens: [Token], after index: Int) -> Int? {
        var cursor = index + 1
        if cursor < tokens.count, tokens[cursor].isPunct("-") { cursor += 1 }
        guard cursor < tokens.count else { return nil }
        let word = tokens[cursor].text
        if word == "yo" || word == "yrs" && cursor + 1 < tokens.count && tokens[cursor + 1].text == "old" {
            return tokens[word == "yo" ? cursor : cursor + 1].end
        }
        if word == "y", cursor + 2 < tokens.count, tokens[cursor + 1].isPunct("/"), tokens[cursor + 2].text == "o" {
            return tokens[cursor + 2].end
        }
        guard word == "year" || word == "years" else { return nil }
        var next = cursor + 1
        if next < tokens.count, tokens[next].isPunct("-") { next += 1 }
        // "years of age"
        if next + 1 < tokens.count, tokens[next].text == "of", tokens[next + 1].text == "age" { return tokens[next + 1].end }
        guard next < tokens.count, tokens[next].text == "old" else { return nil }
        return tokens[next].end
    }
}
