/// Who and what an operation's audit events belong to: the call (session), the agent, and the
/// policy in force. Every event of one `masker mask` run or one proxied turn shares it.
public struct AuditScope: Sendable, Equatable {
    public var sessionID: String?
    public var agentID: String?
    public var policyName: String
    public var policyVersion: Int
    public var kid: String

    public init(sessionID: String?, agentID: String?, policy: Policy) {
        self.sessionID = sessionID
        self.agentID = agentID
        policyName = policy.name
        policyVersion = policy.version
        kid = policy.kid
    }

    /// One `redaction` event per masked span; `offset` shifts spans when a run masks several lines
    /// as one text. The token itself is never recorded, only which scheme made it. `field` says
    /// which text of a request the spans are in (the proxy's `messages[3]#0`), as `detail.field`;
    /// it must be made of names and numbers only, never of the request's content.
    public func redactions(_ result: MaskResult, tokenization: TokenizationScheme, offset: Int = 0, field: String? = nil) -> [AuditEvent] {
        result.replacements.map { replacement in
            let detection = replacement.detection
            let tokenKind: String
            var kid: String?
            switch replacement.action {
            case .tokenize:
                tokenKind = tokenization.rawValue
                // A surrogate is made with no key, so none is named.
                kid = tokenization == .synthetic ? nil : replacement.token?.kid ?? self.kid
            case .redact: tokenKind = "redacted"
            case .passthrough: tokenKind = "passthrough"
            }
            return AuditEvent(kind: .redaction, sessionID: sessionID, agentID: agentID, pass: detection.pass.rawValue,
                              entityKind: detection.kind.rawValue, span: (detection.start + offset, detection.end + offset),
                              confidence: detection.confidence, tokenKind: tokenKind, kid: kid,
                              policyName: policyName, policyVersion: policyVersion,
                              detail: Self.detail(field: field, speaker: detection.speaker))
        }
    }

    /// A redaction's `detail`: the request field it is in, and who said it when that is known
    /// (`speaker`: caller, agent or unknown; a word from a fixed list, never the transcript's).
    static func detail(field: String?, speaker: Speaker?) -> [(String, JSONValue)] {
        var detail: [(String, JSONValue)] = []
        if let field { detail.append(("field", .string(field))) }
        if let speaker { detail.append(("speaker", .string(speaker.rawValue))) }
        return detail
    }

    /// One event per token met in a model's answer. A failed token's kid is not recorded: it is
    /// whatever the model wrote, and so not trustworthy enough for a log that must stay clean.
    public func rehydrations(_ events: [RehydrationEvent]) -> [AuditEvent] {
        events.map { event in
            let tokenKind = TokenSchemeID(rawValue: event.scheme).map { TokenizationScheme($0).rawValue }
            switch event.outcome {
            case .restored:
                return AuditEvent(kind: .rehydration, sessionID: sessionID, agentID: agentID, entityKind: event.kind?.rawValue,
                                  tokenKind: tokenKind, kid: event.kid, policyName: policyName, policyVersion: policyVersion)
            case let .failed(reason):
                return AuditEvent(kind: .rehydrationFailed, sessionID: sessionID, agentID: agentID, entityKind: event.kind?.rawValue,
                                  tokenKind: tokenKind, policyName: policyName, policyVersion: policyVersion,
                                  detail: [("reason", .string(reason.rawValue))])
            }
        }
    }

    /// The turn's `gemma` pass fell back from the LLM back end to the embedded model.
    public func detectionFallback(reason: String) -> AuditEvent {
        AuditEvent(kind: .detectionFallback, sessionID: sessionID, agentID: agentID, pass: DetectionPassName.gemma.rawValue,
                   policyName: policyName, policyVersion: policyVersion,
                   detail: [("backend", .string(GemmaBackend.llm.rawValue)), ("reason", .string(reason)),
                            ("used", .string(GemmaBackend.embedded.rawValue))])
    }

    /// An administrative event (vault purge, key rotation, policy reload) with counts in `detail`.
    public func administrative(_ kind: AuditEventKind, detail: [(String, JSONValue)]) -> AuditEvent {
        AuditEvent(kind: kind, sessionID: sessionID, agentID: agentID, kid: kid, policyName: policyName,
                   policyVersion: policyVersion, detail: detail)
    }
}

extension TokenizationScheme {
    init(_ id: TokenSchemeID) {
        switch id {
        case .vault: self = .vaultDeterministic
        case .aead: self = .reversibleAEAD
        }
    }
}
