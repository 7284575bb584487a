/// One thing that happened, as the caller describes it; the audit log adds the time, the id and the
/// chain hashes when it appends it (`AuditChain.seal`).
///
/// Nothing here may hold PHI or a token: there is deliberately no field for the text of a span,
/// only its position, kind and how it was treated. `detail` carries a few kind-specific counts or
/// codes (a failure reason, a purge's row count), never free text from a transcript.
public struct AuditEvent: Sendable, Equatable {
    public var kind: AuditEventKind
    public var sessionID: String?
    public var agentID: String?
    public var pass: String?
    public var entityKind: String?
    /// Half-open Unicode-scalar offsets in the text the event is about.
    public var span: (start: Int, end: Int)?
    public var confidence: Double?
    /// How the span was replaced: the token scheme (`vault-deterministic`, `reversible-aead`,
    /// `synthetic`), `redacted`, or `passthrough`.
    public var tokenKind: String?
    public var kid: String?
    public var policyName: String?
    public var policyVersion: Int?
    public var detail: [(String, JSONValue)]

    public init(kind: AuditEventKind, sessionID: String? = nil, agentID: String? = nil, pass: String? = nil,
                entityKind: String? = nil, span: (start: Int, end: Int)? = nil, confidence: Double? = nil,
                tokenKind: String? = nil, kid: String? = nil, policyName: String? = nil, policyVersion: Int? = nil,
                detail: [(String, JSONValue)] = []) {
        self.kind = kind
        self.sessionID = sessionID
        self.agentID = agentID
        self.pass = pass
        self.entityKind = entityKind
        self.span = span
        self.confidence = confidence
        self.tokenKind = tokenKind
        self.kid = kid
        self.policyName = policyName
        self.policyVersion = policyVersion
        self.detail = detail
    }

    public static func == (lhs: AuditEvent, rhs: AuditEvent) -> Bool {
        lhs.fields(timestamp: "", eventID: "", previousHash: "") == rhs.fields(timestamp: "", eventID: "", previousHash: "")
    }

    /// The record as it is hashed: every field of SPEC section 6 except `this_hash`, null where it
    /// does not apply, so every record has the same keys; `detail` only when there is one.
    public func fields(timestamp: String, eventID: String, previousHash: String) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        // In canonical (sorted) order, so canonicalising needs no reordering. One array, sized
        // once: every record of the audit log is built here.
        var pairs: [(String, JSONValue)] = []
        pairs.reserveCapacity(15)
        pairs.append(("agent_id", text(agentID)))
        // Three decimals: enough to read a threshold against, and a short, stable number form.
        pairs.append(("confidence", confidence.map { .double(($0 * 1000).rounded() / 1000) } ?? .null))
        if !detail.isEmpty { pairs.append(("detail", .object(detail))) }
        pairs.append(("entity_kind", text(entityKind)))
        pairs.append(("event_id", .string(eventID)))
        pairs.append(("kid", text(kid)))
        pairs.append(("kind", .string(kind.rawValue)))
        pairs.append(("pass", text(pass)))
        pairs.append(("policy_name", text(policyName)))
        pairs.append(("policy_version", policyVersion.map(JSONValue.int) ?? .null))
        pairs.append(("prev_hash", .string(previousHash)))
        pairs.append(("session_id", text(sessionID)))
        pairs.append(("span", span.map { .array([.int($0.start), .int($0.end)]) } ?? .null))
        pairs.append(("token_kind", text(tokenKind)))
        pairs.append(("ts", .string(timestamp)))
        return .object(pairs)
    }
}
