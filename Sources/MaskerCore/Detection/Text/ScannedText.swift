/// A turn prepared for detection: the original scalars (for slicing out span text) and the
/// normalised tokens every recognizer scans.
public struct ScannedText: Sendable {
    public let string: String
    public let scalars: [Unicode.Scalar]
    public let tokens: [Token]

    public init(_ text: String) {
        string = text
        let scalars = Array(text.unicodeScalars)
        self.scalars = scalars
        tokens = SpokenFormNormalizer.normalize(Tokenizer.tokenize(text))
    }

    /// The original text of a span.
    public func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[max(0, start)..<min(end, scalars.count)])
        return String(view)
    }
}
