/// Numbers glued to what comes before them, cut apart so the recognizers see the number:
///
/// - a word and a written number with no space between ("is212-555-0187", "IP10.20.30.40"): the
///   word's digits start a number that goes on with `-`, `.` or `:` and more digits;
/// - the date and time of an ISO 8601 timestamp ("2024-03-15T14:30Z"), which the tokenizer cuts as
///   "2024", "-", "03", "-", "15t14", …: the day, the `T` and the hour become three tokens.
///
/// Kept out of the tokenizer, whose two paths (ASCII and decoding) would both need it: such
/// tokens are rare, so this runs only when a word holding digits is followed by a joined number.
enum GluedNumbers {
    static func split(_ tokens: [Token]) -> [Token] {
        guard tokens.indices.contains(where: { isGlued(tokens, $0) }) else { return tokens }
        var result: [Token] = []
        result.reserveCapacity(tokens.count + 8)
        for index in tokens.indices {
            if isGlued(tokens, index), let parts = parts(of: tokens[index]) {
                result += parts
            } else {
                result.append(tokens[index])
            }
        }
        return result
    }

    /// A word with digits, followed with no space by a joiner and a number; or, after a date's
    /// `-`, digits `t` digits.
    @inline(__always) static func isGlued(_ tokens: [Token], _ index: Int) -> Bool {
        let token = tokens[index]
        guard token.kind == .word, token.digitCount > 0, !token.spoken else { return false }
        if index > 0, tokens[index - 1].isPunct("-"), !token.spaceBefore, timeSplit(token.text) != nil { return true }
        guard index + 2 < tokens.count else { return false }
        let joiner = tokens[index + 1], next = tokens[index + 2]
        return !joiner.spaceBefore && !next.spaceBefore && next.kind == .number
            && (joiner.isPunct("-") || joiner.isPunct(".") || joiner.isPunct(":"))
    }

    /// The tokens a glued word is cut into, or nil when it is not letters-then-digits (at least two
    /// letters: "d12" is a license's own shape) or digits-t-digits.
    static func parts(of token: Token) -> [Token]? {
        guard !token.text.isTruncated, token.end - token.start == token.length else { return nil }
        if let cut = timeSplit(token.text) {
            return [piece(token, .number, 0, cut, spaceBefore: token.spaceBefore),
                    piece(token, .word, cut, cut + 1, spaceBefore: false),
                    piece(token, .number, cut + 1, token.length, spaceBefore: false)]
        }
        var letters = 0
        let count = token.length
        while letters < count, isLetter(token.text.byte(at: letters)) { letters += 1 }
        guard letters >= 2, letters < count, token.text.isDigits(from: letters) else { return nil }
        return [piece(token, .word, 0, letters, spaceBefore: token.spaceBefore),
                piece(token, .number, letters, count, spaceBefore: false)]
    }

    /// Where the `t` of "15t14" is: one or two digits, `t`, two digits.
    static func timeSplit(_ text: TokenText) -> Int? {
        let count = text.count
        guard count == 5 || count == 4 else { return nil }
        let cut = count - 3
        guard text.byte(at: cut) == UInt8(ascii: "t"), text.isDigits(from: cut + 1),
              (0..<cut).allSatisfy({ isDigit(text.byte(at: $0)) }) else { return nil }
        return cut
    }

    /// Bytes `from..<to` of an ASCII token as a token of its own (offsets are scalars, and an
    /// ASCII token has one scalar a byte).
    private static func piece(_ token: Token, _ kind: Token.Kind, _ from: Int, _ to: Int, spaceBefore: Bool) -> Token {
        var text = TokenText()
        for offset in from..<to { text.append(token.text.byte(at: offset)) }
        var made = Token(kind: kind, text: text, start: token.start + from, end: token.start + to, spaceBefore: spaceBefore,
                         lineBreakBefore: from == 0 && token.lineBreakBefore)
        if kind == .word {
            made.caseShape = token.caseShape
            made.phraseLists = WordFacts.table[text]?.phraseLists ?? 0
        }
        return made
    }

    @inline(__always) private static func isLetter(_ byte: UInt8) -> Bool { byte >= 97 && byte <= 122 }
    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
