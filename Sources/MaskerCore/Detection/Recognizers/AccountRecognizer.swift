/// ACCOUNT: payment card numbers (13–19 digits, Luhn-valid, grouped 4-4-4-4 / 4-6-5 or not), and
/// account numbers after "account", "acct", "account number", "bank account", "billing number"
/// (0.85). Cards: 0.95 grouped, 0.85 bare (0.95 with card context).
///
/// A number failing Luhn is dropped, unless card context comes before it ("my credit card number
/// is"): then it is kept at 0.75. The checksum raises confidence; it does not veto what the caller
/// said the number is (an ASR slip of one digit, a test card, a number misread from the card).
struct AccountRecognizer: Recognizer {
    let name = "account"
    var kinds: Set<EntityKind> { [.account] }
    var minimumDigits: Int { 5 }

    static let identifier = IdentifierAfterContext(context: ContextPhrases([
        "account", "acct", "account number", "account no", "bank account", "billing number", "billing account",
        "checking account", "savings account", "routing number",
    ], introducing: .account), minLength: 6, maxLength: 20, minDigits: 5)
    static let cardContext = ContextPhrases(["card", "credit card", "debit card", "visa", "mastercard", "amex", "card number"])

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates = Self.identifier.matches(in: text).map {
            Candidate(kind: .account, start: $0.start, end: $0.end, confidence: 0.85)
        }
        for run in text.digitRuns {
            guard (13...19).contains(run.digits.count), !run.separators.contains(.dot) else { continue }
            // Digits printed after "DE89" are the rest of an IBAN (IBANRecognizer), not a card.
            let first = run.tokenIndices[0]
            if first > 0, tokens[first - 1].kind == .word, IBANRecognizer.startsLikeIBAN(tokens[first - 1].text) { continue }
            let context = Self.cardContext.precedes(tokens, run.tokenIndices[0], window: 5)
            let confidence: Double
            if Checksums.luhn(run.digits) {
                let grouped = run.groups.count > 1 && run.groups.dropLast().allSatisfy { $0 == 4 } || run.groups == [4, 6, 5]
                confidence = grouped || context ? 0.95 : 0.85
            } else {
                guard context else { continue }
                confidence = 0.75
            }
            candidates.append(Candidate(kind: .account, start: run.start, end: run.end, confidence: confidence))
        }
        return candidates
    }
}
