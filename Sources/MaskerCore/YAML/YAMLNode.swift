/// A composed YAML node that keeps what policy validation needs and Yams' `Node` drops or refuses:
/// duplicate mapping keys (so `duplicate_kind` can be reported next to every other problem), the
/// location of every key and value, and whether a scalar was quoted (`"true"` is a string, not a bool).
public struct YAMLNode: Sendable {
    public enum ScalarStyle: Sendable { case plain, quoted, block }

    public indirect enum Value: Sendable {
        case scalar(String, ScalarStyle, explicitTag: String?)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public var value: Value
    public var location: SourcePosition

    public init(_ value: Value, at location: SourcePosition) {
        self.value = value
        self.location = location
    }

    /// The scalar's text when this node is a scalar.
    public var scalarText: String? {
        if case let .scalar(text, _, _) = value { return text }
        return nil
    }

    /// A plain scalar that YAML reads as null (`~`, `null`, or nothing at all).
    public var isNull: Bool {
        guard case let .scalar(text, style, tag) = value, style == .plain, tag == nil else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The word a person would use for this node's shape, for error messages.
    public var shapeDescription: String {
        switch value {
        case .scalar: return isNull ? "nothing (null)" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
