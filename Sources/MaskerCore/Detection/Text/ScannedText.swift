/// A turn prepared for detection: the original text (for slicing out span text) and the normalised
/// tokens every recognizer scans.
public struct ScannedText: Sendable {
    public let string: String
    public let tokens: [Token]
    /// Digits in the canonical tokens (spoken digits included), for skipping recognizers that need more.
    public let digitCount: Int
    /// Words that begin a phrase introducing an identifier, in order (see `IntroducingPhrases`).
    let phraseStarts: [PhraseStart]
    /// Every run of digit groups (`DigitRun.all`), found once for the phone, SSN and card
    /// recognizers, which each found them again; empty when the turn has too few digits for any
    /// of them (`DigitRun.minimumDigits`).
    let digitRuns: [DigitRun]
    /// The tokens that hold a digit (every number, and words such as "db8"), ascending: the
    /// recognizers whose every match has one (ages, ZIP codes, MBIs, DEA and NPI numbers, VINs,
    /// prefixed MRNs, long numbers, digit runs) walk these few instead of the whole turn.
    let digitTokens: [Int32]
    /// All ASCII: scalar offsets are byte offsets, so span text is a byte slice. Almost every turn.
    private let isASCII: Bool
    /// Which ASCII punctuation characters occur as tokens, one bit each (bit n of the pair is the
    /// character with code n): the pipeline asks before each recognizer that needs a symbol, and
    /// this answers without walking the tokens again.
    private let symbols: (UInt64, UInt64)

    public init(_ text: String) {
        string = text
        var isASCII = true
        tokens = SpokenFormNormalizer.normalize(GluedNumbers.split(Tokenizer.tokenize(text, isASCII: &isASCII)))
        var digits = 0
        var starts: [PhraseStart] = []
        var digitTokens: [Int32] = []
        var symbols: (UInt64, UInt64) = (0, 0)
        let firstWords = IntroducingPhrases.firstWords // once, not through `swift_once` for every word
        // The tokenizer found the lists of the words it cut; a word the normaliser made (spelled
        // out: "m r n") is looked up here.
        // Fields read through the buffer: `enumerated()` copied each 88-byte token out first
        // (half of this loop's time in `perf`).
        tokens.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                let digitsHere = buffer[index].digitCount
                if digitsHere > 0 {
                    digits += digitsHere
                    digitTokens.append(Int32(index))
                }
                switch buffer[index].kind {
                case .punct where buffer[index].text.count == 1:
                    let code = buffer[index].text.byte(at: 0)
                    if code < 64 { symbols.0 |= 1 << UInt64(code) } else if code < 128 { symbols.1 |= 1 << UInt64(code - 64) }
                case .word:
                    let lists = buffer[index].spoken ? (firstWords[buffer[index].text] ?? 0) : buffer[index].phraseLists
                    if lists != 0 { starts.append(PhraseStart(index: Int32(index), lists: lists)) }
                default: break
                }
            }
        }
        digitCount = digits
        phraseStarts = starts
        self.digitTokens = digitTokens
        digitRuns = digits >= DigitRun.minimumDigits ? DigitRun.all(in: tokens, digitTokens: digitTokens) : []
        self.isASCII = isASCII
        self.symbols = symbols
    }

    /// Whether any token is one of these punctuation characters (ASCII: "@", or ".:" for either).
    public func contains(anyOf wanted: StaticString) -> Bool {
        UnsafeBufferPointer(start: wanted.utf8Start, count: wanted.utf8CodeUnitCount).contains { code in
            code < 64 ? symbols.0 & (1 << UInt64(code)) != 0 : (code < 128 && symbols.1 & (1 << UInt64(code - 64)) != 0)
        }
    }

    /// A token's whole canonical text. `token.text` keeps a prefix of anything longer than
    /// `TokenText.capacity`; for such a token this returns its original text, lowercased, so values
    /// that differ only past the prefix stay different.
    public func fullText(of token: Token) -> String {
        token.text.isTruncated ? text(token.start, token.end).lowercased() : token.text.string
    }

    /// The original text of a span (scalar offsets). Called once per final detection, so non-ASCII
    /// text walks its scalars here rather than every turn paying for a scalar array up front.
    public func text(_ start: Int, _ end: Int) -> String {
        if isASCII {
            let utf8 = string.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: max(0, start), limitedBy: utf8.endIndex) ?? utf8.endIndex
            let upper = utf8.index(utf8.startIndex, offsetBy: max(start, end), limitedBy: utf8.endIndex) ?? utf8.endIndex
            return String(string[lower..<upper])
        }
        let scalars = string.unicodeScalars
        let lower = scalars.index(scalars.startIndex, offsetBy: max(0, start), limitedBy: scalars.endIndex) ?? scalars.endIndex
        let upper = scalars.index(lower, offsetBy: max(0, end - max(0, start)), limitedBy: scalars.endIndex) ?? scalars.endIndex
        return String(scalars[lower..<upper])
    }
}
