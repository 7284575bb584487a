/// The per-kind settings under `entities:`. Defaults are the seed's field reference.
public struct EntityRule: Equatable, Sendable {
    public var enabled: Bool
    public var regex: Bool
    public var ner: Bool
    /// NER hits scoring below this are dropped. In [0, 1].
    public var confidenceThreshold: Double
    public var action: EntityAction
    /// Site-specific shapes for this kind, as regular expressions (ICU syntax, as NSRegularExpression
    /// reads them): `MRN-\\d{7}`. Matched by the regex pass with confidence 0.9.
    public var patterns: [String]

    public static let defaultConfidenceThreshold = 0.6

    public init(enabled: Bool = true, regex: Bool = true, ner: Bool = true,
                confidenceThreshold: Double = EntityRule.defaultConfidenceThreshold,
                action: EntityAction = .tokenize, patterns: [String] = []) {
        self.enabled = enabled
        self.regex = regex
        self.ner = ner
        self.confidenceThreshold = confidenceThreshold
        self.action = action
        self.patterns = patterns
    }
}
