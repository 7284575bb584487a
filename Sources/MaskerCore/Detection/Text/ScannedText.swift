/// A turn prepared for detection: the original scalars (for slicing out span text) and the
/// normalised tokens every recognizer scans.
public struct ScannedText: Sendable {
    public let string: String
    public let scalars: [Unicode.Scalar]
    public let tokens: [Token]
    /// Digits in the canonical tokens (spoken digits included), for skipping recognizers that need more.
    public let digitCount: Int

    public init(_ text: String) {
        string = text
        let scalars = Array(text.unicodeScalars)
        self.scalars = scalars
        tokens = SpokenFormNormalizer.normalize(Tokenizer.tokenize(text))
        digitCount = tokens.reduce(0) { $0 + $1.digitCount }
    }

    /// Whether any token is this punctuation character.
    public func contains(symbol: String) -> Bool {
        tokens.contains { $0.kind == .punct && $0.text == symbol }
    }

    /// The original text of a span.
    public func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[max(0, start)..<min(end, scalars.count)])
        return String(view)
    }
}
