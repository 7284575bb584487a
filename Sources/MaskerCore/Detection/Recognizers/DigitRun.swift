/// Number tokens in a row, joined by the separators people and ASR put between digit groups:
/// `(415) 555-2671`, `415.555.2671`, `four one five, five five five`. Phone, SSN, card and ZIP
/// recognizers read their digits from runs.
struct DigitRun: Sendable {
    /// Indices of the number tokens, in order.
    var tokenIndices: [Int]
    var digits: String
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

        init(_ symbol: String) {
            switch symbol {
            case "-": self = .dash
            case ".": self = .dot
            case ",": self = .comma
            default: self = .space
            }
        }
    }

    var separators: Separators
    var start: Int
    var end: Int
    var spoken: Bool
    var openedWithParenthesis: Bool

    /// Not '/': digits around a slash are a date or a fraction, never one number.
    static let joiners: Set<String> = ["-", ".", ",", "(", ")"]

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
            if token.kind == .number {
                if !token.spaceBefore, tokens[cursor - 1].kind == .number { break }
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
            guard token.kind == .punct, joiners.contains(token.text) else { break }
            var next = cursor + 1
            if token.text == ")" {
                closeParenthesis = true
                if next < tokens.count, tokens[next].kind == .punct, ["-", "."].contains(tokens[next].text) { next += 1 }
            }
            guard next < tokens.count, tokens[next].kind == .number, token.text != "(" else { break }
            separators.insert(Separators(token.text == ")" ? " " : token.text))
            indices.append(next)
            end = tokens[next].end
            cursor = next + 1
        }
        let opened = index > 0 && tokens[index - 1].isPunct("(") && closeParenthesis
        let numberTokens = indices.map { tokens[$0] }
        return DigitRun(tokenIndices: indices, digits: numberTokens.map(\.text).joined(),
                        groups: numberTokens.map(\.length), separators: separators,
                        start: opened ? tokens[index - 1].start : tokens[index].start, end: end,
                        spoken: numberTokens.contains { $0.spoken }, openedWithParenthesis: opened)
    }

    /// Every maximal run in the tokens, left to right, each number token in at most one run.
    static func all(in tokens: [Token]) -> [DigitRun] {
        var runs: [DigitRun] = []
        var index = 0
        while index < tokens.count {
            guard tokens[index].kind == .number, let run = starting(at: index, in: tokens) else {
                index += 1
                continue
            }
            runs.append(run)
            index = run.tokenIndices.last! + 1
        }
        return runs
    }

    /// The sub-run of the first `count` tokens.
    func prefix(tokens count: Int, in tokens: [Token]) -> DigitRun {
        let kept = Array(tokenIndices.prefix(count))
        let numberTokens = kept.map { tokens[$0] }
        return DigitRun(tokenIndices: kept, digits: numberTokens.map(\.text).joined(),
                        groups: numberTokens.map(\.length), separators: separators,
                        start: start, end: tokens[kept.last!].end, spoken: spoken,
                        openedWithParenthesis: openedWithParenthesis)
    }
}
