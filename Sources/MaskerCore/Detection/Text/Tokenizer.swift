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
        tokenize(text, isASCII: &isASCII, facts: WordFacts.table)
    }

    /// A phrase of a recognizer's context list, cut as a turn would be but without looking its
    /// words up (see `WordFacts.none`).
    static func cut(_ phrase: String) -> [Token] {
        var isASCII = true
        return tokenize(phrase, isASCII: &isASCII, facts: WordFacts.none)
    }

    static func tokenize(_ text: String, isASCII: inout Bool, facts: WordTable<WordFacts>) -> [Token] {
        var tokens: [Token] = []
        var text = text
        var sawNonASCII = false
        text.withUTF8 { bytes in
            // Room for a token every four bytes, more than prose needs (one in about five); text
            // denser than that ("(415)-555-2671,") is cut again with twice the room, up to one
            // token per byte, which always suffices. The room is what an 88-byte token costs on a
            // long text, so it starts no larger.
            var capacity = bytes.count / 4 + 16
            while true {
                var outcome = FastPathOutcome.done
                tokens = [Token](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                    var output = TokenBuffer(buffer)
                    outcome = tokenizeASCII(bytes, into: &output, facts: facts)
                    initialized = outcome == .done ? output.count : 0
                }
                if outcome == .done { return }
                if outcome == .nonASCII || capacity > bytes.count { break }
                capacity = min(capacity * 2, bytes.count + 1)
            }
            // A non-ASCII byte: start again on the general path, which decodes scalars.
            tokens = []
            tokens.reserveCapacity(bytes.count / 4 + 1)
            sawNonASCII = tokenizeDecoding(bytes, into: &tokens, facts: facts)
        }
        isASCII = !sawNonASCII
        return tokens
    }

    enum FastPathOutcome { case done, nonASCII, full }

    /// For the tests: the fast path into an array. Returns false at a non-ASCII byte.
    static func tokenizeASCII(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [Token]) -> Bool {
        var outcome = FastPathOutcome.done
        tokens = [Token](unsafeUninitializedCapacity: bytes.count + 1) { buffer, initialized in
            var output = TokenBuffer(buffer)
            outcome = tokenizeASCII(bytes, into: &output, facts: WordFacts.table)
            initialized = output.count
        }
        return outcome == .done
    }

    /// The general path, for any text; `tokenize` uses it only when the text has a non-ASCII byte,
    /// and the tests hold the ASCII fast path to the same output. Returns whether it saw one.
    static func tokenizeDecoding(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [Token],
                                 facts: WordTable<WordFacts> = WordFacts.table) -> Bool {
        var sawNonASCII = false
        var byte = 0
        var scalar = 0
        var sawSpace = true
        var sawBreak = false
        while byte < bytes.count {
            let (value, width) = decode(bytes, byte)
            if width > 1 { sawNonASCII = true }
            if isSpace(value) {
                sawSpace = true
                if isLineBreak(value) { sawBreak = true }
                byte += width
                scalar += 1
                continue
            }
            guard isAlphanumeric(value) else {
                tokens.append(make(.punct, bytes, byte..<byte + width, start: scalar, end: scalar + 1, spaceBefore: sawSpace,
                                   lineBreakBefore: sawBreak, facts: facts))
                byte += width
                scalar += 1
                sawSpace = false
                sawBreak = false
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
                tokens.append(make(.number, bytes, startByte..<xByte, start: startScalar, end: xScalar, spaceBefore: sawSpace,
                                   lineBreakBefore: sawBreak, facts: facts))
                tokens.append(make(.word, bytes, xByte..<xByte + 1, start: xScalar, end: xScalar + 1, spaceBefore: false, facts: facts))
                tokens.append(make(.number, bytes, (xByte + 1)..<byte, start: xScalar + 1, end: scalar, spaceBefore: false, facts: facts))
            } else {
                tokens.append(make(hasLetter ? .word : .number, bytes, startByte..<byte, start: startScalar, end: scalar,
                                   spaceBefore: sawSpace, lineBreakBefore: sawBreak, facts: facts))
            }
            sawSpace = false
            sawBreak = false
        }
        return sawNonASCII
    }

    /// The fast path for all-ASCII text (almost every transcript): one pass that builds each
    /// token's lowercase text, case shape and digit count from whole 8-byte words of the input,
    /// where the general path decodes, classifies, then copies and lowercases byte by byte.
    /// Returns `.nonASCII` at the first non-ASCII byte, and `.full` when `tokens` has no room for
    /// the next token; either way `tokens` is partly filled and the caller starts again.
    ///
    /// `facts` is passed in rather than read from its `static let` here: a lazy global goes
    /// through `swift_once` on every read (taking the number-word table out of the loop, and
    /// looking words up here rather than in `Token`'s initialiser, took `masker bench`'s tokenize
    /// stage from 1.66 to 1.55 µs a 200-byte turn).
    static func tokenizeASCII(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout TokenBuffer,
                              facts: WordTable<WordFacts>) -> FastPathOutcome {
        asciiClasses.withUnsafeBufferPointer { classes in
            var byte = 0
            var sawSpace = true
            var sawBreak = false
            let count = bytes.count
            while byte < count {
                let value = bytes[byte]
                let kind = classes[Int(value)]
                if kind == ByteClass.space {
                    sawSpace = true
                    if isLineBreak(UInt32(value)) { sawBreak = true }
                    byte += 1
                    continue
                }
                if kind == ByteClass.nonASCII { return .nonASCII }
                if kind == ByteClass.punct {
                    let text = TokenText(words: (UInt64(value), 0, 0, 0), count: 1)
                    guard tokens.append(Token(kind: .punct, text: text, start: byte, end: byte + 1, spaceBefore: sawSpace,
                                              lineBreakBefore: sawBreak, digitCount: 0, caseShape: CaseShape())) else { return .full }
                    byte += 1
                    sawSpace = false
                    sawBreak = false
                    continue
                }
                // A word or number. Its end is found eight bytes at a time, and a word of up to
                // `TokenText.capacity` bytes is read as whole 8-byte words, which give its counts,
                // case and lowercase text by bit arithmetic (`AsciiWord`). The byte-at-a-time loop
                // this replaced mispredicted its exit once per token and hashed one byte at a time.
                let start = byte
                var end = start + 1
                while true {
                    if end + 8 <= count {
                        let stops = ~AsciiWord(bytes, at: end, length: 8).alphanumerics & AsciiWord.high
                        if stops == 0 { end += 8; continue }
                        end += stops.trailingZeroBitCount >> 3
                    } else {
                        while end < count, classes[Int(bytes[end])] & ByteClass.alphanumericMask != 0 { end += 1 }
                    }
                    // o'brien, don't: an apostrophe between letters keeps the word whole. (A
                    // non-ASCII byte stops the word too; the outer loop then gives up on it.)
                    if end + 1 < count, bytes[end] == 0x27, classes[Int(bytes[end + 1])] & ByteClass.letterMask != 0,
                       bytes[start..<end].contains(where: { classes[Int($0)] & ByteClass.letterMask != 0 }) {
                        end += 2
                        continue
                    }
                    break
                }
                byte = end
                let length = end - start
                var text: TokenText
                var letters = 0, digits = 0, xAt = -1
                var allCapitals = false
                if length <= TokenText.capacity {
                    // Each word's one-bit-per-byte masks are summed lane by lane (a lane holds at
                    // most 4) before one multiply counts them all: a multiply per mask per word
                    // was twelve per token, most of them on the zero words past a short one's end.
                    // Capitals are not counted: "all capitals" is "no letter that is not one".
                    // The three blocks below are written out: folding them into one local
                    // function measured 4 % slower on the tokenize stage, inlined as it was.
                    let first = AsciiWord(bytes, at: start, length: min(length, 8))
                    var words = (first.lowercased, UInt64(0), UInt64(0), UInt64(0))
                    var digitLanes = first.digits >> 7, letterLanes = first.letters >> 7
                    var lowercaseLetters = first.letters & ~first.capitals
                    if length > 8 {
                        let second = AsciiWord(bytes, at: start + 8, length: min(length - 8, 8))
                        words.1 = second.lowercased
                        digitLanes &+= second.digits >> 7
                        letterLanes &+= second.letters >> 7
                        lowercaseLetters |= second.letters & ~second.capitals
                        if length > 16 {
                            let third = AsciiWord(bytes, at: start + 16, length: min(length - 16, 8))
                            words.2 = third.lowercased
                            digitLanes &+= third.digits >> 7
                            letterLanes &+= third.letters >> 7
                            lowercaseLetters |= third.letters & ~third.capitals
                            if length > 24 {
                                let fourth = AsciiWord(bytes, at: start + 24, length: length - 24)
                                words.3 = fourth.lowercased
                                digitLanes &+= fourth.digits >> 7
                                letterLanes &+= fourth.letters >> 7
                                lowercaseLetters |= fourth.letters & ~fourth.capitals
                            }
                        }
                    }
                    digits = AsciiWord.sumLanes(digitLanes)
                    letters = AsciiWord.sumLanes(letterLanes)
                    allCapitals = letters > 0 && lowercaseLetters == 0
                    text = TokenText(words: words, count: length)
                    if letters == 1, digits == length - 1, length >= 3 {
                        // Digits around one letter: where it is, for "7354x549" below (rare).
                        var at = start
                        while classes[Int(bytes[at])] == ByteClass.digit { at += 1 }
                        if bytes[at] | 0x20 == 0x78 { xAt = at }
                    }
                } else {
                    // Longer than a TokenText keeps (a URL path, a long code): byte by byte, so the
                    // counts and the hash cover the bytes past its prefix too.
                    text = TokenText()
                    var capitals = 0
                    for index in start..<end {
                        let current = bytes[index]
                        let currentKind = classes[Int(current)]
                        if currentKind == ByteClass.digit { digits += 1 }
                        if currentKind & ByteClass.letterMask != 0 { letters += 1 }
                        if currentKind == ByteClass.upper { capitals += 1 }
                        if current | 0x20 == 0x78 { xAt = index }
                        text.append(currentKind == ByteClass.upper ? current | 0x20 : current)
                    }
                    allCapitals = letters > 0 && capitals == letters
                }
                let shape = CaseShape(firstIsCapital: classes[Int(bytes[start])] == ByteClass.upper, allCapitals: allCapitals)
                if letters == 1, xAt > start, xAt < byte - 1, digits == byte - start - 1 {
                    // "7354x549": a number, "x", a number, joined, so a phone extension reads as one.
                    guard tokens.append(make(.number, bytes, start..<xAt, start: start, end: xAt, spaceBefore: sawSpace,
                                             lineBreakBefore: sawBreak, facts: facts)),
                          tokens.append(make(.word, bytes, xAt..<xAt + 1, start: xAt, end: xAt + 1, spaceBefore: false, facts: facts)),
                          tokens.append(make(.number, bytes, (xAt + 1)..<byte, start: xAt + 1, end: byte, spaceBefore: false, facts: facts))
                    else { return .full }
                } else {
                    var found = WordFacts()
                    if letters > 0 {
                        found = facts[text] ?? WordFacts()
                        if digits > 0, classes[Int(bytes[start])] == ByteClass.digit, SpokenFormNormalizer.writtenOrdinal(text) != nil {
                            found.roles.insert(.writtenOrdinal)
                        }
                    }
                    guard tokens.append(Token(kind: letters > 0 ? .word : .number, text: text, start: start, end: byte, spaceBefore: sawSpace,
                                              lineBreakBefore: sawBreak, digitCount: text.isTruncated ? text.digitCount : digits,
                                              caseShape: shape, facts: found))
                    else { return .full }
                }
                sawSpace = false
                sawBreak = false
            }
            return .done
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
        /// Digits and letters: the classes a word or number is made of.
        static let alphanumericMask: UInt8 = 6
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
                                               start: Int, end: Int, spaceBefore: Bool, lineBreakBefore: Bool = false,
                                               facts: WordTable<WordFacts>) -> Token {
        var shape = CaseShape()
        var token = Token(kind: kind, text: TokenText(lowercasing: bytes, range, shape: &shape), start: start, end: end,
                          spaceBefore: spaceBefore, lineBreakBefore: lineBreakBefore)
        token.caseShape = shape
        if kind == .word { token.phraseLists = facts[token.text]?.phraseLists ?? 0 }
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

    /// \n, \v, \f, \r, NEL, and the line and paragraph separators.
    @inline(__always) static func isLineBreak(_ value: UInt32) -> Bool {
        (value >= 10 && value <= 13) || value == 0x85 || value == 0x2028 || value == 0x2029
    }
}

/// Up to eight bytes of ASCII text as one little-endian word, with masks of which bytes are
/// digits, letters and capitals (0x80 in each byte that is one).
///
/// Written by hand because the tokenizer needs it per word: byte-wise sums of seven-bit values
/// never carry into the next byte, so one 64-bit add tests eight bytes against a bound at once
/// ("at least '0'" is "adding 0x50 reaches 0x80"). A byte with its top bit set (non-ASCII) is in
/// no class, which is what stops a word at it.
struct AsciiWord {
    static let high: UInt64 = 0x8080_8080_8080_8080
    private(set) var value: UInt64 = 0
    private(set) var digits: UInt64 = 0
    private(set) var letters: UInt64 = 0
    private(set) var capitals: UInt64 = 0

    init() {}

    /// `length` (at most 8) bytes from `index`; the word's other bytes are zero.
    @inline(__always) init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) {
        if index + 8 <= bytes.count {
            value = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped + index).loadUnaligned(as: UInt64.self))
            if length < 8 { value &= (1 << (8 * UInt64(length))) &- 1 }
        } else {
            for offset in 0..<length { value |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
        }
        let low = value & 0x7F7F_7F7F_7F7F_7F7F
        let ascii = ~value & AsciiWord.high
        digits = (low &+ 0x5050_5050_5050_5050) & ~(low &+ 0x4646_4646_4646_4646) & ascii
        let folded = low | 0x2020_2020_2020_2020
        letters = (folded &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(folded &+ 0x0505_0505_0505_0505) & ascii
        capitals = (low &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low &+ 0x2525_2525_2525_2525) & ascii
    }

    var alphanumerics: UInt64 { digits | letters }
    /// Capitals get their 0x20 bit, the lowercase one.
    var lowercased: UInt64 { value | (capitals >> 2) }

    /// The sum of a word's eight byte lanes (each at most 32, as `tokenizeASCII` adds up to four
    /// masks shifted to one bit per byte): one multiply gathers them into the top byte, with no
    /// carry between lanes. `nonzeroBitCount` is a long bit-twiddling sequence on the baseline
    /// x86-64 target, which has no POPCNT.
    @inline(__always) static func sumLanes(_ lanes: UInt64) -> Int {
        Int(truncatingIfNeeded: (lanes &* 0x0101_0101_0101_0101) >> 56)
    }
}
