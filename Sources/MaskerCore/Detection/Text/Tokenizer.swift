/// Splits text into words, numbers and single punctuation characters, recording scalar offsets.
///
/// Hand-written rather than a regex: it is the one pass over every byte of every turn, and a
/// character-class loop is an order of magnitude faster than Swift `Regex` or NSRegularExpression.
public enum Tokenizer {
    /// Tokenizes UTF-8 bytes, counting Unicode scalars for the offsets. All-ASCII text (almost
    /// every transcript) takes a table-driven fast path; other text is decoded scalar by scalar.
    public static func tokenize(_ text: String) -> [Token] {
        var isASCII = true
        return tokenize(text, isASCII: &isASCII)
    }

    /// Also reports whether every byte was ASCII (scalar offsets then equal byte offsets).
    public static func tokenize(_ text: String, isASCII: inout Bool) -> [Token] {
        var tokens: [Token] = []
        var text = text
        var sawNonASCII = false
        text.withUTF8 { bytes in
            tokens.reserveCapacity(bytes.count / 4 + 1)
            if tokenizeASCII(bytes, into: &tokens) { return }
            // A non-ASCII byte: start again on the general path, which decodes scalars.
            tokens.removeAll(keepingCapacity: true)
            sawNonASCII = tokenizeDecoding(bytes, into: &tokens)
        }
        isASCII = !sawNonASCII
        return tokens
    }

    /// The general path, for any text; `tokenize` uses it only when the text has a non-ASCII byte,
    /// and the tests hold the ASCII fast path to the same output. Returns whether it saw one.
    static func tokenizeDecoding(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [Token]) -> Bool {
        var sawNonASCII = false
        var byte = 0
        var scalar = 0
        var sawSpace = true
        while byte < bytes.count {
            let (value, width) = decode(bytes, byte)
            if width > 1 { sawNonASCII = true }
            if isSpace(value) {
                sawSpace = true
                byte += width
                scalar += 1
                continue
            }
            guard isAlphanumeric(value) else {
                tokens.append(make(.punct, bytes, byte..<byte + width, start: scalar, end: scalar + 1, spaceBefore: sawSpace))
                byte += width
                scalar += 1
                sawSpace = false
                continue
            }
            let startByte = byte, startScalar = scalar
            var hasLetter = false
            var xByte = -1, xScalar = -1, letters = 0
            while byte < bytes.count {
                let (current, currentWidth) = decode(bytes, byte)
                if currentWidth > 1 { sawNonASCII = true }
                if isAlphanumeric(current) {
                    if !isDigit(current) {
                        hasLetter = true
                        letters += 1
                        if current == 0x78 || current == 0x58 { xByte = byte; xScalar = scalar } // x, X
                    }
                } else if isApostrophe(current), hasLetter, byte + currentWidth < bytes.count,
                          isLetter(decode(bytes, byte + currentWidth).0) {
                    // o'brien, don't: one word
                } else {
                    break
                }
                byte += currentWidth
                scalar += 1
            }
            let word = bytes[startByte..<byte]
            if letters == 1, xByte > startByte, xByte < byte - 1,
               word.allSatisfy({ $0 == 0x78 || $0 == 0x58 || ($0 >= 48 && $0 <= 57) }) {
                // "7354x549": a number, "x", a number, joined, so a phone extension reads as one.
                tokens.append(make(.number, bytes, startByte..<xByte, start: startScalar, end: xScalar, spaceBefore: sawSpace))
                tokens.append(make(.word, bytes, xByte..<xByte + 1, start: xScalar, end: xScalar + 1, spaceBefore: false))
                tokens.append(make(.number, bytes, (xByte + 1)..<byte, start: xScalar + 1, end: scalar, spaceBefore: false))
            } else {
                tokens.append(make(hasLetter ? .word : .number, bytes, startByte..<byte, start: startScalar, end: scalar,
                                   spaceBefore: sawSpace))
            }
            sawSpace = false
        }
        return sawNonASCII
    }

    /// The fast path for all-ASCII text (almost every transcript): one pass that classifies each
    /// byte through a table and builds each token's lowercase text, case shape and digit count as
    /// it goes, where the general path decodes, classifies, then copies and lowercases again.
    /// Returns false, with `tokens` partly filled, at the first non-ASCII byte.
    static func tokenizeASCII(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [Token]) -> Bool {
        // Read once here, not once per word: a `static let` is a lazy global, and every read of
        // one goes through `swift_once` (this, and looking words up here rather than in `Token`'s
        // initialiser, took `masker bench`'s tokenize stage from 1.66 to 1.55 µs a 200-byte turn).
        let lexicon = NumberWords.lexicon
        return asciiClasses.withUnsafeBufferPointer { classes in
            var byte = 0
            var sawSpace = true
            let count = bytes.count
            while byte < count {
                let value = bytes[byte]
                let kind = classes[Int(value)]
                if kind == ByteClass.space { sawSpace = true; byte += 1; continue }
                if kind == ByteClass.nonASCII { return false }
                if kind == ByteClass.punct {
                    var text = TokenText()
                    text.append(value)
                    tokens.append(Token(kind: .punct, text: text, start: byte, end: byte + 1, spaceBefore: sawSpace,
                                        digitCount: 0, caseShape: CaseShape(), roles: []))
                    byte += 1
                    sawSpace = false
                    continue
                }
                let start = byte
                var text = TokenText()
                var letters = 0, capitals = 0, digits = 0, xAt = -1
                while byte < count {
                    let current = bytes[byte]
                    let currentKind = classes[Int(current)]
                    if currentKind == ByteClass.digit {
                        digits += 1
                        text.append(current)
                    } else if currentKind == ByteClass.lower {
                        letters += 1
                        if current == 0x78 { xAt = byte }
                        text.append(current)
                    } else if currentKind == ByteClass.upper {
                        letters += 1
                        capitals += 1
                        if current == 0x58 { xAt = byte }
                        text.append(current | 0x20)
                    } else if current == 0x27, letters > 0, byte + 1 < count,
                              classes[Int(bytes[byte + 1])] & ByteClass.letterMask != 0 {
                        text.append(current) // o'brien, don't: one word
                    } else if currentKind == ByteClass.nonASCII {
                        return false
                    } else {
                        break
                    }
                    byte += 1
                }
                let shape = CaseShape(firstIsCapital: classes[Int(bytes[start])] == ByteClass.upper,
                                      allCapitals: letters > 0 && capitals == letters)
                if letters == 1, xAt > start, xAt < byte - 1, digits == byte - start - 1 {
                    // "7354x549": a number, "x", a number, joined, so a phone extension reads as one.
                    tokens.append(make(.number, bytes, start..<xAt, start: start, end: xAt, spaceBefore: sawSpace))
                    tokens.append(make(.word, bytes, xAt..<xAt + 1, start: xAt, end: xAt + 1, spaceBefore: false))
                    tokens.append(make(.number, bytes, (xAt + 1)..<byte, start: xAt + 1, end: byte, spaceBefore: false))
                } else {
                    var roles: SpokenRole = []
                    if letters > 0 {
                        roles = lexicon[text] ?? []
                        if digits > 0, classes[Int(bytes[start])] == ByteClass.digit, SpokenFormNormalizer.writtenOrdinal(text) != nil {
                            roles.insert(.writtenOrdinal)
                        }
                    }
                    tokens.append(Token(kind: letters > 0 ? .word : .number, text: text, start: start, end: byte, spaceBefore: sawSpace,
                                        digitCount: text.isTruncated ? text.digitCount : digits, caseShape: shape, roles: roles))
                }
                sawSpace = false
            }
            return true
        }
    }

    /// Byte classes for `tokenizeASCII`; letters share a bit so "is a letter" is one test.
    private enum ByteClass {
        static let space: UInt8 = 0
        static let punct: UInt8 = 1
        static let digit: UInt8 = 2
        static let lower: UInt8 = 4
        static let upper: UInt8 = 5
        static let nonASCII: UInt8 = 8
        static let letterMask: UInt8 = 4
    }

    private static let asciiClasses: [UInt8] = (0..<256).map { (value: Int) -> UInt8 in
        switch value {
        case 0x80...: return ByteClass.nonASCII
        case 9...13, 32: return ByteClass.space
        case 48...57: return ByteClass.digit
        case 97...122: return ByteClass.lower
        case 65...90: return ByteClass.upper
        default: return ByteClass.punct
        }
    }

    @inline(__always) private static func make(_ kind: Token.Kind, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                                               start: Int, end: Int, spaceBefore: Bool) -> Token {
        var shape = CaseShape()
        var token = Token(kind: kind, text: TokenText(lowercasing: bytes, range, shape: &shape), start: start, end: end,
                          spaceBefore: spaceBefore)
        token.caseShape = shape
        return token
    }

    /// The scalar value at `index` and its width in bytes. Input comes from a Swift String, so it is
    /// valid UTF-8.
    @inline(__always) static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> (UInt32, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        if lead < 0xE0 { return ((UInt32(lead & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F), 2) }
        if lead < 0xF0 {
            return ((UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6) | UInt32(bytes[index + 2] & 0x3F), 3)
        }
        return ((UInt32(lead & 0x07) << 18) | (UInt32(bytes[index + 1] & 0x3F) << 12)
            | (UInt32(bytes[index + 2] & 0x3F) << 6) | UInt32(bytes[index + 3] & 0x3F), 4)
    }

    @inline(__always) static func isDigit(_ value: UInt32) -> Bool { value >= 48 && value <= 57 }

    @inline(__always) static func isLetter(_ value: UInt32) -> Bool {
        if value < 128 { return (value >= 65 && value <= 90) || (value >= 97 && value <= 122) }
        return Unicode.Scalar(value)?.properties.isAlphabetic ?? false
    }

    @inline(__always) static func isAlphanumeric(_ value: UInt32) -> Bool { isDigit(value) || isLetter(value) }

    @inline(__always) static func isSpace(_ value: UInt32) -> Bool {
        if value < 128 { return value == 32 || (value >= 9 && value <= 13) }
        return Unicode.Scalar(value)?.properties.isWhitespace ?? false
    }

    @inline(__always) static func isApostrophe(_ value: UInt32) -> Bool { value == 0x27 || value == 0x2019 }
}
