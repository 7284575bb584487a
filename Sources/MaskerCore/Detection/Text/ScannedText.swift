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
    /// All ASCII: scalar offsets are byte offsets, so span text is a byte slice. Almost every turn.
    private let isASCII: Bool

    public init(_ text: String) {
        string = text
        var isASCII = true
        tokens = SpokenFormNormalizer.normalize(Tokenizer.tokenize(text, isASCII: &isASCII))
        var digits = 0
        var starts: [PhraseStart] = []
        for (index, token) in tokens.enumerated() {
            digits += token.digitCount
            if token.kind == .word, let lists = IntroducingPhrases.firstWords[token.text] {
                starts.append(PhraseStart(index: Int32(index), lists: lists))
            }
        }
        digitCount = digits
        phraseStarts = starts
        digitRuns = digits >= DigitRun.minimumDigits ? DigitRun.all(in: tokens) : []
        self.isASCII = isASCII
    }

    /// Whether any token is one of these punctuation characters (ASCII: "@", or ".:" for either).
    public func contains(anyOf symbols: StaticString) -> Bool {
        let wanted = UnsafeBufferPointer(start: symbols.utf8Start, count: symbols.utf8CodeUnitCount)
        return tokens.contains { $0.kind == .punct && $0.text.count == 1 && wanted.contains($0.text.byte(at: 0)) }
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
