import Foundation
import Logging
import MaskerCore
import MaskerStore
import Synchronization

/// The masking machinery a running server shares between requests: the policy in force (swapped
/// atomically on reload: a request holds the `PolicyState` it started with to its end), each
/// agent's own policy, the key ring, the vault and the audit log.
public final class MaskingRuntime: Sendable {
    /// One policy with its detection pipeline, built once and shared read-only.
    public struct PolicyState: Sendable {
        public let policy: Policy
        public let pipeline: DetectionPipeline

        public init(_ policy: Policy) {
            self.policy = policy
            pipeline = DetectionPipeline(policy: policy)
        }
    }

    /// Reads and validates the server's policy again (`/api/v1/admin/policy/reload`).
    public typealias PolicyLoader = @Sendable () throws -> Policy

    private let current: Mutex<PolicyState>
    /// Agents with their own `policy_yaml`, parsed once: keyed by agent id.
    /// Kept with the document they were parsed from: an agent updated through another replica
    /// comes back (after `AgentCache`'s few seconds) with a different one, which is parsed afresh.
    private let agentStates = Mutex<[String: (yaml: String, state: PolicyState)]>([:])
    private let loader: PolicyLoader
    public let keyRing: KeyRing
    public let devMode: Bool
    public let vault: (any VaultStore)?
    public let audit: (any AuditStore)?
    let logger: Logger

    public init(policy: Policy, loader: @escaping PolicyLoader, keyRing: KeyRing, devMode: Bool, vault: (any VaultStore)?,
                audit: (any AuditStore)?, logger: Logger) {
        current = Mutex(PolicyState(policy))
        self.loader = loader
        self.keyRing = keyRing
        self.devMode = devMode
        self.vault = vault
        self.audit = audit
        self.logger = logger
    }

    public var policyState: PolicyState { current.withLock { $0 } }

    /// Loads the policy again and swaps it in; requests already running finish on the old one.
    /// The reload is recorded as a `policy_reloaded` event (names and versions only).
    @discardableResult
    public func reload() async throws -> Policy {
        let policy = try loader()
        let issues = PolicyKeyCheck.issues(for: policy, kidLocation: .start, keyRing: keyRing, keyErrors: [], devMode: devMode)
        if !issues.errors.isEmpty { throw PolicyInvalid(source: "reloaded policy", issues: issues) }
        let previous = current.withLock { state -> Policy in
            let previous = state.policy
            state = PolicyState(policy)
            return previous
        }
        let scope = AuditScope(sessionID: nil, agentID: nil, policy: policy)
        try await record([scope.administrative(.policyReloaded, detail: [
            ("previous_policy_name", .string(previous.name)), ("previous_policy_version", .int(previous.version)),
        ])], policy: policy, payload: nil)
        return policy
    }

    /// The policy an agent's turns run under: its own document, a named built-in one, or the server's.
    public func policyState(for agent: Agent) throws(APIError) -> PolicyState {
        if let yaml = agent.policyYAML {
            if let cached = agentStates.withLock({ $0[agent.id] }), cached.yaml == yaml { return cached.state }
            let parsed = PolicyParser.parse(yaml)
            guard let policy = parsed.policy, parsed.issues.errors.isEmpty else {
                throw APIError(.internalServerError, "agent_policy_invalid", "the agent's stored policy no longer validates; replace the agent")
            }
            let state = PolicyState(policy)
            agentStates.withLock { $0[agent.id] = (yaml, state) }
            return state
        }
        if agent.policyName == Policy.healthcareDefault.name { return Self.healthcareDefault }
        return policyState
    }

    /// Problems with a policy document an agent is being created with (structure, then keys).
    public func issues(inAgentPolicy yaml: String) -> [PolicyIssue] {
        let parsed = PolicyParser.parse(yaml)
        guard let policy = parsed.policy else { return parsed.issues }
        return parsed.issues + PolicyKeyCheck.issues(for: policy, kidLocation: parsed.kidLocation, keyRing: keyRing, keyErrors: [],
                                                     devMode: devMode)
    }

    /// Built once: a pipeline per turn cost its construction every time, and a new identity that
    /// no detection cached under the last one could match.
    private static let healthcareDefault = PolicyState(.healthcareDefault)

    public func forget(agentID: String) {
        _ = agentStates.withLock { $0.removeValue(forKey: agentID) }
    }

    /// What masks this turn: a token scheme, or synthetic surrogates for the turn's session.
    public func masker(_ tokenization: TokenizationScheme, policy: Policy, scope: String) throws(APIError) -> Masker {
        switch tokenization {
        case .reversibleAEAD:
            return Masker(policy: policy, scheme: ReversibleAEADScheme(kid: policy.kid, keyRing: keyRing, scope: scope))
        case .vaultDeterministic:
            guard let vault else {
                throw APIError(.serviceUnavailable, "vault_unavailable", "the vault is not open; check MASKER_DATABASE_URL / MASKER_VAULT_PATH")
            }
            return Masker(policy: policy, scheme: VaultDeterministicScheme(kid: policy.kid, keyRing: keyRing, store: vault, scope: scope))
        case .synthetic:
            return Masker(policy: policy, synthetic: try syntheticSessions().session(scope, policy: policy))
        }
    }

    /// Synthetic mode's sessions (seeded by each policy's `synthetic.seed`), or 503 when the
    /// surrogate tables are missing from this installation.
    public func syntheticSessions() throws(APIError) -> SyntheticSessions {
        switch Self.synthetic {
        case let .success(sessions): return sessions
        case let .failure(problem): throw APIError(.serviceUnavailable, "synthetic_unavailable", problem.description)
        }
    }

    private static let synthetic: Result<SyntheticSessions, SurrogateTables.Unavailable> = SurrogateTables.shared.map {
        SyntheticSessions(tables: $0)
    }

    /// Every reversible scheme, for the tokens of one scope (`TokenScopes`): a token is restored
    /// by the scheme its prefix names, and only in the scope it was minted in.
    public func rehydrator(kid: String, scope: String) -> Rehydrator {
        Rehydrator(kid: kid, keyRing: keyRing, vault: vault, scope: scope)
    }

    /// Appends events when the policy records them; a failure is 503 and the caller stops (fail
    /// closed: nothing goes upstream, nothing goes back, unless it is on the record). `progress`
    /// says what had already happened, for the message.
    func record(_ events: [AuditEvent], policy: Policy, payload: AuditLog.Payload?, progress: TurnProgress = .notSent) async throws(APIError) {
        guard let append = submit(events, policy: policy, payload: payload) else { return }
        do {
            try await append.wait()
        } catch {
            logAuditFailure(error)
            throw progress.auditFailed(error)
        }
    }

    /// Starts the append `record` makes and returns at once (nil when the policy records nothing
    /// here); wait for it, and map its failure with `auditFailure`, before releasing anything.
    func submit(_ events: [AuditEvent], policy: Policy, payload: AuditLog.Payload?) -> AuditAppend? {
        guard policy.audit.logEvents, let audit, !events.isEmpty || payload != nil else { return nil }
        return audit.submit(events, payload: policy.audit.logPayloads ? payload : nil)
    }

    /// A failed append, logged: the reason names the file and the system error, never an event's content.
    func logAuditFailure(_ error: AuditLogError) {
        logger.error("audit log append failed: \(error.description)")
    }
}
