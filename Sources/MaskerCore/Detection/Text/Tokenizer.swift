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
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<index])
                tokens.append(Token(kind: hasLetter ? .word : .number, text: String(view), start: start, end: index,
                                    spaceBefore: sawSpace))
            } else {
                tokens.append(Token(kind: .punct, text: String(Character(scalar)), start: index, end: index + 1,
                                    spaceBefore: sawSpace))
                index += 1
            }
            sawSpace = false
        }
        return tokens
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
