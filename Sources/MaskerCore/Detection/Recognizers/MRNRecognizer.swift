/// MRN: an identifier after "MRN", "medical record number", "chart number", "patient ID", "hospital
/// number" (0.9), and the built-in prefixed shape `MRN1234567` / `MRN-1234567` (0.9). Site-specific
/// shapes come from the policy's `patterns:` for MRN (see `PolicyPatternRecognizer`).
struct MRNRecognizer: Recognizer {
    let name = "mrn"
    var kinds: Set<EntityKind> { [.mrn] }
    var minimumDigits: Int { 4 }

    static let identifier = IdentifierAfterContext(context: ContextPhrases([
        "mrn", "medical record", "medical record number", "record number", "chart number", "chart", "patient id",
        "patient number", "hospital number", "mr number", "medical record no", "mr",
    ], introducing: .mrn), minLength: 5, maxLength: 16, minDigits: 4)

    func recognize(_ text: ScannedText) -> [Candidate] {
        var candidates = Self.identifier.matches(in: text).map {
            Candidate(kind: .mrn, start: $0.start, end: $0.end, confidence: 0.9)
        }
        for index in text.digitTokens.lazy.map(Int.init) {
            let token = text.tokens[index]
            guard token.kind == .word, token.digitCount >= 5, token.text.hasPrefix("mrn"), token.text.isDigits(from: 3) else { continue }
            candidates.append(Candidate(kind: .mrn, start: token.start, end: token.end, confidence: 0.9))
        }
        return candidates
    }
}
