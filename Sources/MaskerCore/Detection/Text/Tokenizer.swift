/// Splits text into words, numbers and single punctuation characters, recording scalar offsets.
///
/// Hand-written rather than a regex: it is the one pass over every byte of every turn, and a
/// character-class loop is an order of magnitude faster than Swift `Regex` or NSRegularExpression.
public enum Tokenizer {
    public static func tokenize(_ scalars: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 4 + 1)
        var index = 0
        var sawSpace = true
        while index < scalars.count {
            let scalar = scalars[index]
            if isSpace(scalar) {
                sawSpace = true
                index += 1
                continue
            }
            if isAlphanumeric(scalar) {
                let start = index
                var hasLetter = false
                while index < scalars.count {
                    let current = scalars[index]
                    if isAlphanumeric(current) {
                        if !isDigit(current) { hasLetter = true }
                        index += 1
                    } else if isApostrophe(current), index + 1 < scalars.count, isLetter(scalars[index + 1]), hasLetter {
                        index += 1 // o'brien, don't: one word
                    } else {
                        break
                    }
                }
                if hasLetter, let x = extensionSplit(scalars, start, index) {
                    // "7354x549": a number, "x", a number, joined, so a phone extension reads as one.
                    tokens.append(Token(kind: .number, text: string(scalars, start, x), start: start, end: x, spaceBefore: sawSpace))
                    tokens.append(Token(kind: .word, text: "x", start: x, end: x + 1, spaceBefore: false))
                    tokens.append(Token(kind: .number, text: string(scalars, x + 1, index), start: x + 1, end: index, spaceBefore: false))
                } else {
                    tokens.append(Token(kind: hasLetter ? .word : .number, text: string(scalars, start, index), start: start,
                                        end: index, spaceBefore: sawSpace))
                }
            } else {
                tokens.append(Token(kind: .punct, text: String(Character(scalar)), start: index, end: index + 1,
                                    spaceBefore: sawSpace))
                index += 1
            }
            sawSpace = false
        }
        return tokens
    }

    static func string(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    /// The index of the 'x' in digits-x-digits, or nil.
    static func extensionSplit(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> Int? {
        var x: Int?
        for index in start..<end {
            let scalar = scalars[index]
            if scalar == "x" || scalar == "X" {
                guard x == nil, index > start, index < end - 1 else { return nil }
                x = index
            } else if !isDigit(scalar) {
                return nil
            }
        }
        return x
    }

    @inline(__always) static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 48 && scalar.value <= 57
    }

    @inline(__always) static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 128 { return (value >= 65 && value <= 90) || (value >= 97 && value <= 122) }
        return scalar.properties.isAlphabetic
    }

    @inline(__always) static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || isLetter(scalar)
    }

    @inline(__always) static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 128 { return value == 32 || (value >= 9 && value <= 13) }
        return scalar.properties.isWhitespace
    }

    @inline(__always) static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}"
    }
}
