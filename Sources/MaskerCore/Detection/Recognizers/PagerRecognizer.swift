/// PHONE: pager and beeper numbers, four to seven digits after "pager", "beeper", "page me at",
/// "pgr" ("Pager 45821", "page me at #52117"). Hospitals still page staff and on-call
/// physicians by these short numbers; they reach one person, so Safe Harbor's telephone numbers
/// include them. Too short for `PhoneRecognizer` without the cue. 0.8.
struct PagerRecognizer: Recognizer {
    let name = "pager"
    var kinds: Set<EntityKind> { [.phone] }
    var minimumDigits: Int { 4 }

    static let identifier = IdentifierAfterContext(context: ContextPhrases([
        "pager", "beeper", "pgr", "bpr", "page me at", "page me", "paged at", "pager number", "beeper number",
    ], introducing: .pager), minLength: 4, maxLength: 7, minDigits: 4, maxGap: 3)

    func recognize(_ text: ScannedText) -> [Candidate] {
        Self.identifier.matches(in: text).compactMap { match in
            guard match.value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Candidate(kind: .phone, start: match.start, end: match.end, confidence: 0.8)
        }
    }
}
