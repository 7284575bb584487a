/// The detection passes a policy can list, in the order they should run.
public enum DetectionPassName: String, CaseIterable, Sendable, Codable {
    /// Deterministic patterns and spoken-form normalisation for shaped identifiers.
    case regex
    /// The NER pass (named after the on-device Gemma model of the original product).
    case gemma
    /// Speaker attribution for transcripts and audio; finds no entities by itself.
    case diarize

    /// Whether the pass finds entities (and so may be restricted to some kinds).
    public var detectsEntities: Bool { self != .diarize }
}

/// One entry of `passes:`: a pass, optionally restricted to some entity kinds
/// (`- gemma: {entities: [NAME, ADDRESS]}`).
public struct DetectionPass: Equatable, Hashable, Sendable {
    public var name: DetectionPassName
    /// nil means every kind the policy declares.
    public var entities: [EntityKind]?

    public init(_ name: DetectionPassName, entities: [EntityKind]? = nil) {
        self.name = name
        self.entities = entities
    }

    public func covers(_ kind: EntityKind) -> Bool {
        entities?.contains(kind) ?? true
    }

    /// `gemma` or `gemma{NAME,ADDRESS}`: compact form for diffs and logs.
    public var summary: String {
        guard let entities else { return name.rawValue }
        return "\(name.rawValue){\(entities.map(\.rawValue).joined(separator: ","))}"
    }
}
