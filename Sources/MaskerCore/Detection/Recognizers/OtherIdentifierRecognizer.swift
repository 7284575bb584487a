/// OTHER_ID (Safe Harbor R, best effort): codes after "confirmation number", "reference number",
/// "case number", "claim number", "ticket", "order number", "employee id", "student id",
/// "passport number" (0.85); digits read out one by one, seven or more of them (0.65: in a call, a
/// long digit string read aloud is an identifier; more specific recognizers score higher and win the
/// overlap); and long bare written digit runs of eight or more (0.5: below the default threshold).
struct OtherIdentifierRecognizer: Recognizer {
    let name = "other_id"
    var kinds: Set<EntityKind> { [.otherID] }
    var minimumDigits: Int { 3 }

    static let identifier = IdentifierAfterContext(context: ContextPhrases([
        "confirmation number", "confirmation code", "confirmation", "reference number", "reference", "ref",
        "case number", "case id", "claim number", "claim id", "claim", "ticket number", "ticket", "order number",
        "employee id", "employee number", "student id", "passport number", "passport", "id number",
        "identification number", "badge number", "authorization number", "prior authorization", "tracking number",
        "booking number", "visa number", "alien number", "control number",
    ], introducing: .otherID), minLength: 5, maxLength: 20, minDigits: 3)

    func recognize(_ text: ScannedText) -> [Candidate] {
        var candidates = Self.identifier.matches(in: text).map {
            Candidate(kind: .otherID, start: $0.start, end: $0.end, confidence: 0.85)
        }
        for index in text.digitTokens.lazy.map(Int.init) where text.tokens[index].kind == .number {
            let token = text.tokens[index]
            if token.digitByDigit, token.length >= 5 {
                // Spoken digit by digit ("seven three four …"), not a number word like "two thousand":
                // quantities are not said that way. Five or six are a ZIP code at the end of an
                // address line, a PIN, a code: just at the default threshold.
                candidates.append(Candidate(kind: .otherID, start: token.start, end: token.end, confidence: token.length >= 7 ? 0.65 : 0.6))
            } else if token.length >= 8 {
                candidates.append(Candidate(kind: .otherID, start: token.start, end: token.end, confidence: 0.5))
            }
        }
        return candidates
    }
}
