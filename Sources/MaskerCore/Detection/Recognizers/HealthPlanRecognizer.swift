/// HEALTH_PLAN: Medicare Beneficiary Identifiers in CMS's 11-character format (with or without
/// dashes, written or spelled out; the shape is distinctive enough to stand alone, 0.9) and member
/// or policy ids after "member id", "policy number", "subscriber id", "insurance id", "medicaid",
/// "group number" (0.85).
struct HealthPlanRecognizer: Recognizer {
    let name = "health_plan"
    var kinds: Set<EntityKind> { [.healthPlan] }
    var minimumDigits: Int { 2 }

    static let identifier = IdentifierAfterContext(context: ContextPhrases([
        "member id", "member number", "member", "policy number", "policy id", "policy", "subscriber id",
        "subscriber number", "insurance id", "insurance number", "medicaid id", "medicaid number", "medicaid",
        "medicare number", "medicare id", "medicare", "mbi", "beneficiary id", "group number", "plan id", "health plan id",
    ], introducing: .healthPlan), minLength: 6, maxLength: 20, minDigits: 2)

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates = Self.identifier.matches(in: text).map {
            Candidate(kind: .healthPlan, start: $0.start, end: $0.end, confidence: Checksums.mbi($0.value) ? 0.95 : 0.85)
        }
        // MBI anywhere: one token, or 4-3-4 joined by dashes. An MBI begins with a digit, so
        // both forms start at a token that holds one.
        for index in text.digitTokens.lazy.map(Int.init) {
            let token = tokens[index]
            // An MBI has five to seven digits; checking that first keeps every 11-letter word
            // ("medications") out of the String-based format check.
            if token.length == 11, (5...7).contains(token.digitCount), Checksums.mbi(token.text.string) {
                candidates.append(Candidate(kind: .healthPlan, start: token.start, end: token.end, confidence: 0.9))
            } else if token.length == 4, index + 4 < tokens.count, tokens[index + 1].isPunct("-"), tokens[index + 3].isPunct("-") {
                let joined = token.text.string + tokens[index + 2].text.string + tokens[index + 4].text.string
                if tokens[index + 2].length == 3, Checksums.mbi(joined) {
                    candidates.append(Candidate(kind: .healthPlan, start: token.start, end: tokens[index + 4].end, confidence: 0.9))
                }
            }
        }
        return candidates
    }
}
