/// PHONE and FAX: NANP numbers in every written form — `(415) 555-2671`, `415.555.2671`,
/// `+1 415 555 2671`, `4155552671`, extensions — international E.164 (`+44 20 7946 0958`), and
/// spoken digits in any grouping ("four one five, five five five, two six seven one").
/// A number is a FAX when "fax" comes shortly before it.
///
/// Confidence: formatted NANP 0.9; spoken 0.8; ten bare digits 0.6 (0.85 with phone context);
/// seven-digit local numbers 0.4 (0.7 with context); international 0.85. Area codes or exchanges
/// starting with 0 or 1 are not NANP numbers and are dropped.
struct PhoneRecognizer: Recognizer {
    let name = "phone"
    let kinds: Set<EntityKind> = [.phone, .fax]

    static let phoneContext = ContextPhrases([
        "phone", "number", "call", "cell", "mobile", "telephone", "tel", "reach", "contact", "callback", "text",
        "home", "work", "landline", "pager", "dial", "ph",
    ])
    static let faxContext = ContextPhrases(["fax", "facsimile", "faxed", "fax number"])
    static let extensionWords: Set<String> = ["ext", "extension", "x"]

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        var index = 0
        while index < tokens.count {
            guard tokens[index].kind == .number, let run = DigitRun.starting(at: index, in: tokens) else {
                index += 1
                continue
            }
            let international = index > 0 && tokens[index - 1].isPunct("+") && !tokens[index].spaceBefore
            if let candidate = phone(in: run, tokens: tokens, international: international, firstIndex: index) {
                candidates.append(candidate)
            }
            index = run.tokenIndices.last! + 1
        }
        return candidates
    }

    private func phone(in run: DigitRun, tokens: [Token], international: Bool, firstIndex: Int) -> Candidate? {
        var run = run
        // A longer run may hold a phone followed by something else; keep the shortest token prefix
        // that reaches a complete number.
        if run.digits.count > 11 {
            guard let cut = (1...run.tokenIndices.count).first(where: { run.prefix(tokens: $0, in: tokens).digits.count >= 10 }) else { return nil }
            run = run.prefix(tokens: cut, in: tokens)
        }
        let digits = run.digits
        let start = international ? tokens[firstIndex - 1].start : run.start
        let context = Self.phoneContext.precedes(tokens, firstIndex, window: 6)
        let isFax = Self.faxContext.precedes(tokens, firstIndex, window: 6)
        var confidence: Double
        switch digits.count {
        case 10, 11:
            let national = digits.count == 11 ? String(digits.dropFirst()) : digits
            if digits.count == 11, digits.first != "1", !international { return nil }
            if international, digits.count == 11, digits.first != "1" {
                confidence = 0.85 // +44 20 7946 0958 and the like
                break
            }
            guard Checksums.nanp(national) else { return nil }
            let formatted = run.openedWithParenthesis || run.groups.suffix(3) == [3, 3, 4] && !run.separators.isEmpty
            if international || formatted {
                confidence = 0.9
            } else if run.spoken {
                confidence = context ? 0.9 : 0.8
            } else {
                confidence = context ? 0.85 : 0.6
            }
        case 7:
            guard run.groups == [3, 4] || run.spoken || run.groups == [7], digits.first! >= "2" else { return nil }
            confidence = context || isFax ? 0.7 : 0.4
        case 8...15 where international:
            confidence = 0.85
        default:
            return nil
        }
        let end = extensionEnd(after: run.tokenIndices.last!, tokens: tokens) ?? run.end
        return Candidate(kind: isFax ? .fax : .phone, start: start, end: end, confidence: confidence)
    }

    /// "ext 204", "x204", "extension two oh four".
    private func extensionEnd(after index: Int, tokens: [Token]) -> Int? {
        var cursor = index + 1
        if cursor < tokens.count, tokens[cursor].isPunct(",") { cursor += 1 }
        guard cursor < tokens.count else { return nil }
        let token = tokens[cursor]
        if token.kind == .word, token.lower.hasPrefix("x"), token.length > 1, token.lower.dropFirst().allSatisfy(\.isNumber) {
            return token.end
        }
        guard Self.extensionWords.contains(token.lower) else { return nil }
        var next = cursor + 1
        if next < tokens.count, tokens[next].isPunct(".") { next += 1 }
        guard next < tokens.count, tokens[next].kind == .number, tokens[next].length <= 6 else { return nil }
        return tokens[next].end
    }
}
