/// SSN: `123-45-6789`, `123 45 6789`, nine bare digits, or nine spoken digits, checked against the
/// SSA's rules (no area 000, 666 or 9xx, no group 00, no serial 0000, no voided advertising
/// numbers). Grouped 3-2-4: 0.85, 0.95 with context ("social", "SSN"). Nine ungrouped digits count
/// only with context (0.9): alone they are as likely a ZIP+4 or an account number, and the default
/// policy keeps every SSN candidate (threshold 0).
///
/// A number failing the SSA's rules is dropped, unless SSN context comes before it: then it is
/// kept at 0.75. What a caller gives as their social security number is theirs to protect even
/// when the SSA never issued it: a digit misheard by speech recognition, a test number
/// (078-05-1120), or one misremembered; dropping it left "SSN 123-00-6789" unmasked, and
/// "SSN 078-05-1120" masked as a PHONE (0.7, which 0.75 outranks).
struct SSNRecognizer: Recognizer {
    let name = "ssn"
    var kinds: Set<EntityKind> { [.ssn] }
    var minimumDigits: Int { 9 }

    static let context = ContextPhrases([
        "ssn", "social", "social security", "social security number", "ss number", "ss#", "ss", "socsec",
        "taxpayer id", "tin", "tax id", "tax id number", "itin", "taxpayer identification number", "tax identification number",
    ])

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        return text.digitRuns.compactMap { run in
            guard run.digits.count == 9, !run.separators.contains(.dot) else { return nil }
            let context = Self.context.precedes(tokens, run.tokenIndices[0], window: 6)
            let grouped = run.groups == [3, 2, 4]
            guard grouped || context else { return nil }
            let confidence: Double
            if Checksums.ssn(run.digits) {
                confidence = grouped ? (context ? 0.95 : 0.85) : 0.9
            } else {
                guard context else { return nil }
                confidence = 0.75
            }
            return Candidate(kind: .ssn, start: run.start, end: run.end, confidence: confidence)
        }
    }
}
