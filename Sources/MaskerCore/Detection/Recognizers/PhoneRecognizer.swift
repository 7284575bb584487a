/// PHONE and FAX: NANP numbers in every written form — `(415) 555-2671`, `415.555.2671`,
/// `+1 415 555 2671`, `4155552671`, extensions — international E.164 (`+44 20 7946 0958`), and
/// spoken digits in any grouping ("four one five, five five five, two six seven one").
/// A number is a FAX when "fax" comes shortly before it.
///
/// Confidence: formatted NANP 0.9; spoken 0.8; ten bare digits 0.6 (0.85 with phone context);
/// seven-digit local numbers 0.4 (0.7 with context); international with `+` 0.85; national formats
/// with a trunk 0 (`07700 316 475`) 0.7 (0.85 with context); 7–12 grouped digits after phone
/// context 0.7. Ten digits that are not a valid NANP number (area code or exchange starting with 0
/// or 1) are kept at 0.75 when written like a phone and 0.7 when spoken or after context; bare,
/// they are dropped. Numbers written as measurements (`ClinicalNotation`) or grouped as no phone
/// is (a one-digit group after the first) need phone context. Six grouped digits after phone
/// context ("call 42 17 88": a local number in many countries) 0.7, as are eight to twelve
/// digits read out one by one after "my number is". Phone context may also follow the number: "…
/// that's my mobile", "723 813 266 office".
struct PhoneRecognizer: Recognizer {
    let name = "phone"
    var kinds: Set<EntityKind> { [.phone, .fax] }
    var minimumDigits: Int { 6 }

    /// Words that mean a telephone. "number" alone is weaker: it also introduces account,
    /// member and record numbers, so it raises only numbers already shaped like phones.
    static let phoneContext = ContextPhrases([
        "phone", "call", "cell", "mobile", "telephone", "tel", "reach", "callback", "text", "landline", "pager",
        "dial", "ph", "phone number", "cell number", "contact number", "call me", "call back", "answering",
        "ring", "voicemail", "whatsapp", "message", "messages", "msg", "beeper",
    ])
    static let numberContext = ContextPhrases(["number", "my number", "number is", "contact", "home", "work"])
    static let faxContext = ContextPhrases(["fax", "facsimile", "faxed", "fax number"])
    static let extensionWords: WordSet = ["ext", "extension", "x"]

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        return text.digitRuns.compactMap { run in
            let first = run.tokenIndices[0]
            let international = first > 0 && tokens[first - 1].isPunct("+") && !tokens[first].spaceBefore
            return phone(in: run, tokens: tokens, international: international, firstIndex: first)
        }
    }

    private func phone(in run: DigitRun, tokens: [Token], international: Bool, firstIndex: Int) -> Candidate? {
        var run = run
        // A longer run may hold a phone followed by something else; keep the shortest token prefix
        // that reaches a complete number.
        if run.digits.count > 12 {
            guard let cut = (1...run.tokenIndices.count).first(where: { run.prefix(tokens: $0, in: tokens).digits.count >= 10 }) else { return nil }
            run = run.prefix(tokens: cut, in: tokens)
        }
        let digits = run.digits
        let start = international ? tokens[firstIndex - 1].start : run.start
        let strongContext = Self.phoneContext.precedes(tokens, firstIndex, window: 6)
            || Self.cueFollows(tokens, after: run.tokenIndices.last!)
        let context = strongContext || Self.numberContext.precedes(tokens, firstIndex, window: 3)
        let isFax = Self.faxContext.precedes(tokens, firstIndex, window: 6)
        let grouped = run.groups.count > 1
        let count = digits.count
        // "ABG 7.38-42-88-26-1", "BP 128/82 HR 7.2": numbers written as measurements, or grouped as
        // no telephone number is (five groups, a lone digit inside), are results, not phones.
        if !run.spoken, !strongContext, !international {
            if ClinicalNotation.isMeasurement(tokens, first: firstIndex, last: run.tokenIndices.last!) { return nil }
            if run.groups.dropFirst().contains(1) { return nil }
        }
        let leadingOne = digits.first == UInt8(ascii: "1"), leadingZero = digits.first == UInt8(ascii: "0")
        let nanpShaped = !international && (count == 10 || (count == 11 && leadingOne))
            || international && count == 11 && leadingOne
        var confidence: Double
        if nanpShaped {
            let national = count == 11 ? digits.dropping(first: 1) : digits
            let formatted = run.openedWithParenthesis || run.groups.suffix(3) == [3, 3, 4] && !run.separators.isEmpty
            if Checksums.nanp(national) {
                if international || formatted { confidence = 0.9 }
                else if run.spoken { confidence = context ? 0.9 : 0.8 }
                else { confidence = context ? 0.85 : 0.6 }
            } else if formatted || international {
                // Not a dialable NANP number (exchange 0xx/1xx), but written exactly like one: mask it.
                confidence = 0.75
            } else if run.spoken || strongContext {
                // Ten digits read out one by one are an identifier of some kind even when not a valid phone.
                confidence = 0.7
            } else if leadingZero, grouped {
                confidence = 0.7 // a national format that happens to have ten digits: 05.06.52.16.25
            } else {
                return nil
            }
        } else if international, (8...15).contains(count) {
            confidence = 0.85
        } else if count == 7, run.groups == [3, 4] || run.spoken || run.groups == [7] {
            guard let first = digits.first, first >= UInt8(ascii: "2") else { return nil }
            confidence = context || isFax ? 0.7 : 0.4
        } else if (9...12).contains(count), leadingZero, grouped || strongContext || run.spoken {
            // National formats outside NANP start with a trunk 0: 07700 316 475, 0380 7558505.
            confidence = strongContext ? 0.85 : 0.7
        } else if (6...12).contains(count), strongContext || context && run.spoken && count >= 8, grouped || run.spoken {
            confidence = 0.7
        } else {
            return nil
        }
        let end = extensionEnd(after: run.tokenIndices.last!, tokens: tokens) ?? run.end
        return Candidate(kind: isFax ? .fax : .phone, start: start, end: end, confidence: confidence)
    }

    /// Words naming the line a number just given belongs to ("… uh that's my mobile", "723 813
    /// 266 office").
    static let followingCues: WordSet = ["mobile", "cell", "cellphone", "phone", "landline", "office", "whatsapp", "fax",
                                         "desk", "direct", "pager", "beeper"]
    static let followingFillers: WordSet = ["uh", "um", "that's", "thats", "is", "my", "the", "that", "it's", "its", "for", "on", "a"]

    /// Whether a phone cue follows the number within four words, across fillers only.
    static func cueFollows(_ tokens: [Token], after last: Int) -> Bool {
        var cursor = last + 1, words = 0
        while cursor < tokens.count, words < 4 {
            let token = tokens[cursor]
            cursor += 1
            if token.kind == .punct { if token.isPunct(".") || token.isPunct("?") { return false }; continue }
            guard token.kind == .word else { return false }
            if followingCues.contains(token.text) { return true }
            guard followingFillers.contains(token.text) else { return false }
            words += 1
        }
        return false
    }

    /// "ext 204", "x204", "extension two oh four".
    private func extensionEnd(after index: Int, tokens: [Token]) -> Int? {
        var cursor = index + 1
        if cursor < tokens.count, tokens[cursor].isPunct(",") { cursor += 1 }
        guard cursor < tokens.count else { return nil }
        let token = tokens[cursor]
        if token.kind == .word, token.text.hasPrefix("x"), token.length > 1, token.text.isDigits(from: 1) {
            return token.end
        }
        guard Self.extensionWords.contains(token.text) else { return nil }
        var next = cursor + 1
        if next < tokens.count, tokens[next].isPunct(".") { next += 1 }
        guard next < tokens.count, tokens[next].kind == .number, tokens[next].length <= 6 else { return nil }
        return tokens[next].end
    }
}
