/// ADDRESS (ZIP): five digits or ZIP+4 after "zip"/"zip code"/"postal code", or after a state
/// ("WA 98101", "washington nine eight one oh one"). A bare five-digit number is not reported:
/// doses, counts and codes look the same. 0.9 after a zip phrase, 0.85 after a state.
struct ZipCodeRecognizer: Recognizer {
    let name = "zip"
    var kinds: Set<EntityKind> { [.address] }
    var minimumDigits: Int { 5 }

    static let context = ContextPhrases(["zip", "zip code", "zipcode", "postal code", "postcode", "zip is"])

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        for index in text.digitTokens.lazy.map(Int.init) where tokens[index].kind == .number && (tokens[index].length == 5 || tokens[index].length == 9) {
            let token = tokens[index]
            var end = token.end
            if token.length == 5, index + 2 < tokens.count, tokens[index + 1].isPunct("-"),
               tokens[index + 2].kind == .number, tokens[index + 2].length == 4 {
                end = tokens[index + 2].end
            }
            if Self.context.precedes(tokens, index, window: 3) {
                candidates.append(Candidate(kind: .address, start: token.start, end: end, confidence: 0.9))
            } else if token.length == 5, afterState(tokens, index) {
                candidates.append(Candidate(kind: .address, start: token.start, end: end, confidence: 0.85))
            }
        }
        return candidates
    }

    private func afterState(_ tokens: [Token], _ index: Int) -> Bool {
        var cursor = index - 1
        if cursor >= 0, tokens[cursor].isPunct(",") { cursor -= 1 }
        for length in 1...3 {
            let start = cursor - length + 1
            if start >= 0, USStates.length(at: start, in: tokens) == length { return true }
        }
        return false
    }
}
