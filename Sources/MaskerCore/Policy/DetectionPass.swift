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
/// (`- gemma: {entities: [NAME, ADDRESS]}`), or for `diarize`, to the speakers whose lines are
/// masked (`- diarize: {mask_speakers: [caller]}`).
public struct DetectionPass: Equatable, Hashable, Sendable {
    public var name: DetectionPassName
    /// nil means every kind the policy declares.
    public var entities: [EntityKind]?
    /// `diarize` only: whose lines are masked, in canonical order; nil means everyone's. Text no
    /// speaker can be found for is masked whatever this says (`SpeakerFilter`).
    public var maskSpeakers: [Speaker]?

    public init(_ name: DetectionPassName, entities: [EntityKind]? = nil, maskSpeakers: [Speaker]? = nil) {
        self.name = name
        self.entities = entities
        self.maskSpeakers = maskSpeakers
    }

    public func covers(_ kind: EntityKind) -> Bool {
        entities?.contains(kind) ?? true
    }

    /// `gemma`, `gemma{NAME,ADDRESS}` or `diarize{mask_speakers:caller}`: compact form for diffs
    /// and logs.
    public var summary: String {
        if let maskSpeakers { return "\(name.rawValue){mask_speakers:\(maskSpeakers.map(\.rawValue).joined(separator: ","))}" }
        guard let entities else { return name.rawValue }
        return "\(name.rawValue){\(entities.map(\.rawValue).joined(separator: ","))}"
    }
}
