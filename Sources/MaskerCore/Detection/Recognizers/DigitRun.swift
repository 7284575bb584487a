/// Number tokens in a row, joined by the separators people and ASR put between digit groups:
/// `(415) 555-2671`, `415.555.2671`, `four one five, five five five`. Phone, SSN, card and ZIP
/// recognizers read their digits from runs.
struct DigitRun: Sendable {
    /// Indices of the number tokens, in order.
    var tokenIndices: [Int]
    var digits: TokenText
    /// Digits per group, e.g. [3, 3, 4].
    var groups: [Int]
    /// Separators used between groups. A bit set, not a `Set<String>`: runs are built for every
    /// number in a turn, and hashing strings for them showed in profiles.
    struct Separators: OptionSet, Sendable {
        let rawValue: UInt8
        static let space = Separators(rawValue: 1)
        static let dash = Separators(rawValue: 2)
        static let dot = Separators(rawValue: 4)
        static let comma = Separators(rawValue: 8)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init(_ symbol: Token) {
            if symbol.isPunct("-") { self = .dash } else if symbol.isPunct(".") { self = .dot } else if symbol.isPunct(",") {
                self = .comma
            } else {
                self = .space
            }
        }
    }

    var separators: Separators
    var start: Int
    var end: Int
    var spoken: Bool
    var openedWithParenthesis: Bool

    /// The fewest digits a turn needs before any recognizer reading runs looks at it (the card and
    /// account recognizer's gate; phones need 7, SSNs 9).
    static let minimumDigits = 5

    /// Not '/': digits around a slash are a date or a fraction, never one number.
    static func isJoiner(_ token: Token) -> Bool {
        token.isPunct("-") || token.isPunct(".") || token.isPunct(",") || token.isPunct("(") || token.isPunct(")")
    }

    /// Longest run starting at `index` (a number token).
    static func starting(at index: Int, in tokens: [Token]) -> DigitRun? {
        guard tokens[index].kind == .number else { return nil }
        var indices = [index]
        var separators: Separators = []
        var cursor = index + 1
        var end = tokens[index].end
        var closeParenthesis = false
        while cursor < tokens.count {
            let token = tokens[cursor]
            // Groups on another line are another number: a ZIP code over a phone number.
            if token.lineBreakBefore { break }
            if token.kind == .number {
                if !token.spaceBefore, tokens[cursor - 1].kind == .number { break }
                // A written block of seven digits or more is a whole number: no one groups one
                // number that way, so two such blocks ("4111111111111111 5500005555555559", two
                // cards) are two numbers. Spoken digits arrive as long blocks and still join.
                if !token.spoken, !tokens[indices.last!].spoken, token.length >= 7 || tokens[indices.last!].length >= 7 { break }
                // A phone written in full (617-555-0187) after a space is its own number, not the
                // tail of what came before ("02139 617-555-0187": a ZIP code, then a phone), unless
                // what came before is the country code 1.
                if !(indices.count == 1 && tokens[index].text == "1"), isFormattedPhone(at: cursor, in: tokens) { break }
                // A complete card number (13 to 19 digits passing Luhn) ends where the next begins:
                // "4012-8888-8888-1881 4012 8888 8888 1881" is two cards, not one 32-digit run.
                if !token.spoken, isCompleteCard(indices, tokens) { break }
                separators.insert(.space)
                indices.append(cursor)
                end = token.end
                cursor += 1
                continue
            }
            // "(0)" inside an international number: +41 (0)27 240 04 99.
            if token.isPunct("("), cursor + 2 < tokens.count, tokens[cursor + 1].kind == .number, tokens[cursor + 1].length <= 2,
               tokens[cursor + 2].isPunct(")"), cursor + 3 < tokens.count, tokens[cursor + 3].kind == .number {
                indices.append(cursor + 1)
                separators.insert(.space)
                cursor += 2
                continue
            }
            // One separator (or ") " / ")-") between groups.
            guard isJoiner(token) else { break }
            var next = cursor + 1
            if token.isPunct(")") {
                closeParenthesis = true
                if next < tokens.count, tokens[next].isPunct("-") || tokens[next].isPunct(".") { next += 1 }
            }
            guard next < tokens.count, tokens[next].kind == .number, !tokens[next].lineBreakBefore, !token.isPunct("(") else { break }
            separators.insert(Separators(token))
            indices.append(next)
            end = tokens[next].end
            cursor = next + 1
        }
        let opened = index > 0 && tokens[index - 1].isPunct("(") && closeParenthesis
        return DigitRun(tokenIndices: indices, digits: joinedDigits(indices, tokens),
                        groups: indices.map { tokens[$0].length }, separators: separators,
                        start: opened ? tokens[index - 1].start : tokens[index].start, end: end,
                        spoken: indices.contains { tokens[$0].spoken }, openedWithParenthesis: opened)
    }

    /// Whether `ddd-ddd-dddd` (or with dots) starts at `index` and ends there: the whole of a
    /// NANP number in its written form.
    static func isFormattedPhone(at index: Int, in tokens: [Token]) -> Bool {
        guard index + 4 < tokens.count, !tokens[index].spoken else { return false }
        let separator = tokens[index + 1]
        guard separator.isPunct("-") || separator.isPunct("."), tokens[index + 3].isPunct(separator.text) else { return false }
        for (offset, length) in [(0, 3), (2, 3), (4, 4)] {
            let group = tokens[index + offset]
            guard group.kind == .number, group.length == length, offset == 0 || !group.spaceBefore else { return false }
        }
        guard !tokens[index + 1].spaceBefore, !tokens[index + 3].spaceBefore else { return false }
        // "…-0187-22" goes on: not a phone by itself.
        let after = index + 5
        return !(after + 1 < tokens.count && isJoiner(tokens[after]) && !tokens[after].spaceBefore && tokens[after + 1].kind == .number)
    }

    /// Whether the written groups so far make a whole card number.
    static func isCompleteCard(_ indices: [Int], _ tokens: [Token]) -> Bool {
        var count = 0
        for index in indices { count += tokens[index].length }
        guard (13...19).contains(count), indices.count == 1 || indices.allSatisfy({ tokens[$0].length == 4 || $0 == indices.last! }) else { return false }
        return Checksums.luhn(joinedDigits(indices, tokens))
    }

    /// Every maximal run in the tokens, left to right, each number token in at most one run.
    /// `digitTokens` are the indices of the tokens holding a digit (`ScannedText.digitTokens`):
    /// every run starts at one.
    static func all(in tokens: [Token], digitTokens: [Int32]) -> [DigitRun] {
        var runs: [DigitRun] = []
        var next = 0
        for candidate in digitTokens {
            let index = Int(candidate)
            guard index >= next, tokens[index].kind == .number, let run = starting(at: index, in: tokens) else { continue }
            runs.append(run)
            next = run.tokenIndices.last! + 1
        }
        return runs
    }

    /// The sub-run of the first `count` tokens.
    func prefix(tokens count: Int, in tokens: [Token]) -> DigitRun {
        let kept = Array(tokenIndices.prefix(count))
        return DigitRun(tokenIndices: kept, digits: DigitRun.joinedDigits(kept, tokens),
                        groups: kept.map { tokens[$0].length }, separators: separators,
                        start: start, end: tokens[kept.last!].end, spoken: spoken,
                        openedWithParenthesis: openedWithParenthesis)
    }

    private static func joinedDigits(_ indices: [Int], _ tokens: [Token]) -> TokenText {
        var digits = TokenText()
        for index in indices { digits.append(tokens[index].text) }
        return digits
    }
}
