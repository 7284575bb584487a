/// A masking policy: which kinds to look for, with which passes, and what to do with each span.
/// The schema is the seed `002_*` (`configs/mask_policy.yaml`); `PolicyParser` builds values of
/// this type only from documents that validate, so every field here is already in range.
public struct Policy: Equatable, Sendable {
    public static let currentVersion = 1
    public static let defaultEpsilon = 0.5

    public var name: String
    public var version: Int
    public var description: String
    public var kid: String
    /// Differential-privacy budget for synthetic surrogates. Greater than zero.
    public var epsilon: Double
    public var tokenization: TokenizationScheme
    public var synthetic: SyntheticSettings
    public var passes: [DetectionPass]
    public var entities: [EntityKind: EntityRule]
    public var audit: AuditSettings
    /// What vault-deterministic tokens are scoped to: the call session (default: tokens cannot be
    /// correlated across calls) or `global` (one token per value everywhere, for analytics joins).
    public var scope: TokenScope
    /// Phrases never masked, whatever a pass thinks of them: the agent's own brand, the clinic's
    /// name. Matched as whole words, case-insensitively (`allow:` in the YAML).
    public var allow: [String]

    public enum TokenScope: String, CaseIterable, Sendable {
        case session, global
    }

    public init(name: String, version: Int = Policy.currentVersion, description: String = "", kid: String,
                epsilon: Double = Policy.defaultEpsilon, tokenization: TokenizationScheme,
                synthetic: SyntheticSettings = SyntheticSettings(), passes: [DetectionPass],
                entities: [EntityKind: EntityRule], audit: AuditSettings = AuditSettings(), scope: TokenScope = .session,
                allow: [String] = []) {
        self.name = name
        self.version = version
        self.description = description
        self.kid = kid
        self.epsilon = epsilon
        self.tokenization = tokenization
        self.synthetic = synthetic
        self.passes = passes
        self.entities = entities
        self.audit = audit
        self.scope = scope
        self.allow = allow
    }

    /// Declared kinds in canonical order.
    public var declaredKinds: [EntityKind] { entities.keys.sorted() }

    /// Whether any listed pass would look for `kind` under this policy's per-kind flags.
    public func isDetected(_ kind: EntityKind) -> Bool {
        guard let rule = entities[kind], rule.enabled else { return false }
        return passes.contains { pass in
            guard pass.covers(kind) else { return false }
            switch pass.name {
            case .regex: return rule.regex
            case .gemma: return rule.ner
            case .diarize: return false
            }
        }
    }

    /// Whether the policy lists the `diarize` pass: conversations' speakers are attributed (roles,
    /// labels) and every event says who spoke.
    public var diarizes: Bool { passes.contains { $0.name == .diarize } }

    /// Whose lines are masked, when the `diarize` pass restricts it (`mask_speakers`); nil means
    /// everyone's.
    public var maskedSpeakers: [Speaker]? {
        passes.first { $0.name == .diarize }?.maskSpeakers
    }

    /// Kinds that carry a Safe Harbor category in text but are not declared: they pass unmasked.
    public var undeclaredKinds: [EntityKind] {
        EntityKind.allCases.filter { entities[$0] == nil }
    }
}
