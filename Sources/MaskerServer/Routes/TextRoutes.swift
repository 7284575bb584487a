import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/api/v1/detect`, `/mask`, `/rehydrate`: the CLI's text commands over HTTP, under the server's
/// policy. Request `{"text", "session"?}`; events carry kinds and spans, never the PHI.
///
/// Accounts are walls: `/mask` mints in the caller's account (`TokenScopes`: account, `api`,
/// session), and `/rehydrate` restores only the caller's own tokens, of the session named (and of
/// the agent named, for a proxied call's tokens). Anyone else's token answers exactly as an unknown
/// one. Session ids follow the proxy's grammar (`SessionIDs`), or the request is refused before
/// anything is written.
struct TextRoutes {
    let runtime: MaskingRuntime
    let configuration: ServerConfiguration
    let detector: TurnDetector
    let agents: AgentCache

    /// What mints through `/api/v1/mask`, within an account.
    static let owner = "api"

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.post("detect") { request, context in try await detect(request, context) }
        group.post("mask") { request, context in try await mask(request, context) }
        group.post("rehydrate") { request, context in try await rehydrate(request, context) }
        group.post("synthesize") { request, context in try await synthesize(request, context) }
    }

    private func text(_ request: Request, _ context: MaskerRequestContext) async throws -> (text: String, body: JSONValue) {
        let (body, text) = try await body(request, context)
        guard let text else { throw APIError(.unprocessableContent, "invalid_request", "send {\"text\": \"...\"}") }
        return (text, body)
    }

    /// The body, with `text` when it is a string and `session` checked before anything happens.
    private func body(_ request: Request, _ context: MaskerRequestContext) async throws -> (body: JSONValue, text: String?) {
        _ = try context.requireAccount()
        var request = request
        let (body, _) = try await request.jsonObject(limit: configuration.maxBodyBytes)
        _ = try SessionIDs.optional(body)
        if let value = body["text"], value.stringValue == nil {
            var error = APIError(.unprocessableContent, "invalid_request", "text must be a string")
            error.param = "text"
            throw error
        }
        return (body, body["text"]?.stringValue)
    }

    private func detect(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let (text, body) = try await text(request, context)
        let state = runtime.policyState
        let turn = try await detectTurn([text], state: state, session: try SessionIDs.optional(body), policy: state.policy,
                                        account: try context.requireAccount().id)
        var speakers = ConversationSpeakers(pipeline: state.pipeline)
        return JSONResponse.make(.object([("events", .array(speakers.apply(text, detections: turn.detections[0]).map {
            $0.event(includingText: false)
        }))]))
    }

    /// Detects a request's texts, with the `detection_fallback` audit event when the LLM back end
    /// failed and the embedded model ran, or 503 `detection_timeout` past the turn's deadline.
    private func detectTurn(_ texts: [String], state: MaskingRuntime.PolicyState, session: String?, policy: Policy,
                            account: String) async throws -> TurnDetector.Result {
        let audit = AuditScope(sessionID: session, agentID: nil, policy: policy)
        let turn: TurnDetector.Result
        do {
            turn = try await detector.detect(texts, pipeline: state.pipeline, account: account)
        } catch {
            throw await runtime.refuse(error, audit: audit, policy: policy)
        }
        if let failure = turn.fallback {
            try await runtime.record([audit.detectionFallback(reason: failure.reason)], policy: policy, payload: nil)
        }
        return turn
    }

    /// `{text, session?}` or `{json, session?}`: `json` is any JSON value, masked as data with each
    /// key as context and returned with the same shape. The answer names the session the tokens
    /// were minted in (a new one when none was given): `/rehydrate` needs it.
    private func mask(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let (body, text) = try await body(request, context)
        let document = body["json"]
        guard text != nil || document != nil else {
            throw APIError(.unprocessableContent, "invalid_request", "send {\"text\": \"...\"} or {\"json\": …}")
        }
        let state = runtime.policyState
        let policy = state.policy
        let session = try SessionIDs.optional(body) ?? context.requestID
        let masker = try runtime.masker(policy.tokenization, policy: policy,
                                        scope: TokenScopes.scope(policy, account: account.id, owner: Self.owner, session: session))
        let texts = document.map(JSONDocument.texts) ?? [KeyedValue(plain: text ?? "")]
        let turn = try await detectTurn(texts.map(\.detectionText), state: state, session: session, policy: policy, account: account.id)
        var speakers = ConversationSpeakers(pipeline: state.pipeline)
        let detections = speakers.apply(zip(texts, turn.detections).map { keyed, found in
            ConversationSpeakers.Text(keyed.value, detections: keyed.detections(found, policy: policy))
        })
        var results: [MaskResult] = []
        do {
            var prepared: [PreparedMask] = []
            for (keyed, found) in zip(texts, detections) {
                prepared.append(try masker.prepare(keyed.value, detections: found))
            }
            try await masker.persist(prepared)
            results = prepared.map(\.result)
        } catch {
            runtime.logger.error("masking failed: \(error.description)")
            throw TurnProgress.notSent.vaultFailed(error)
        }
        let audit = AuditScope(sessionID: session, agentID: nil, policy: policy)
        var events: [AuditEvent] = []
        for (index, result) in results.enumerated() {
            events += audit.redactions(result, tokenization: policy.tokenization, field: document == nil ? nil : "json#\(index)")
        }
        let masked = document.map { JSONDocument.rewrite($0, with: results.map(\.masked)) }
        try await runtime.record(events, policy: policy,
                                 payload: .init(masked: masked?.serialized() ?? results[0].masked, sessionID: session, agentID: nil))
        var answer: [(String, JSONValue)] = masked.map { [("json", $0)] } ?? [("masked", .string(results[0].masked))]
        answer += [
            ("events", .array(results.enumerated().flatMap { index, result in
                result.replacements.map { replacement in
                    guard document != nil, case let .object(fields) = replacement.event() else { return replacement.event() }
                    return JSONValue.object([("field", .int(index))] + fields)
                }
            })),
            ("session", .string(session)), ("policy_name", .string(policy.name)), ("policy_version", .int(policy.version)),
        ]
        return JSONResponse.make(.object(answer))
    }

    /// `{text, policy?, seed?, session?}` → `{text, events}`: one-shot synthesis. `policy` names a
    /// built-in policy (default: the server's); `seed` (a number, or a string in decimal or 0x hex)
    /// makes it reproducible. Nothing is stored; the spans are recorded as redaction events when the
    /// policy records events.
    private func synthesize(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let (text, body) = try await text(request, context)
        var state = runtime.policyState
        if let name = body["policy"]?.stringValue, name != state.policy.name {
            guard name == Policy.healthcareDefault.name else {
                throw APIError(.unprocessableContent, "unknown_policy",
                               "no policy named '\(name)'; leave it out to use the server's (\(state.policy.name)) or use \(Policy.healthcareDefault.name)")
            }
            state = MaskingRuntime.PolicyState(.healthcareDefault)
        }
        var seed: UInt64?
        switch body["seed"] {
        case nil, .null?: seed = nil
        case let .int(number)? where number >= 0: seed = UInt64(number)
        case let .uint(number)?: seed = number
        case let .string(text)?: seed = SyntheticSettings.parseSeed(text)
        default: seed = nil
        }
        if body["seed"] != nil, body["seed"] != .null, seed == nil {
            throw APIError(.unprocessableContent, "invalid_seed", "seed must be a whole number from 0 to 2^64-1, or a string such as \"0xC0FFEE\"")
        }
        // Without a session, every call of the account shares one ("default"), so a seeded call
        // gives the same text every time, as the CLI does.
        let session = try SessionIDs.optional(body) ?? "default"
        var policy = state.policy
        if let seed { policy.synthetic.seed = seed }
        let sessions = try runtime.syntheticSessions()
        let masker = Masker(policy: policy, synthetic: sessions.session("\(account.id):\(session)#\(policy.synthetic.seed.map(String.init) ?? "-")", policy: policy))
        let turn = try await detectTurn([text], state: state, session: session, policy: policy, account: account.id)
        let result = try await masker.mask(text, detections: turn.detections[0])
        let audit = AuditScope(sessionID: session, agentID: nil, policy: policy)
        try await runtime.record(audit.redactions(result, tokenization: .synthetic), policy: policy, payload: nil)
        return JSONResponse.make(.object([
            ("text", .string(result.masked)),
            ("events", .array(zip(result.replacements, result.maskedSpans).map { replacement, output in replacement.event(output: output) })),
            ("policy_name", .string(policy.name)), ("policy_version", .int(policy.version)),
        ]))
    }

    /// `{text, session, agent_id?}`: restores the caller's own tokens of that session, minted by
    /// `/mask` or, with `agent_id` (one of the caller's agents), by that agent's proxied turns.
    /// `session` may be left out only under a `scope: global` policy.
    private func rehydrate(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let (text, body) = try await text(request, context)
        var policy = runtime.policyState.policy
        var owner = Self.owner
        if let agentID = body["agent_id"], agentID != .null {
            guard let id = agentID.stringValue else { throw APIError.notFound("agent") }
            let agent: Agent?
            do {
                agent = try await agents.agent(id: id)
            } catch {
                throw APIError.databaseUnavailable(error)
            }
            guard let agent, agent.accountID == account.id else { throw APIError.notFound("agent") }
            policy = try runtime.policyState(for: agent).policy
            owner = agent.id
        }
        let session = try SessionIDs.optional(body)
        guard session != nil || policy.scope == .global else {
            var error = APIError(.unprocessableContent, "invalid_request",
                                 "session is required: tokens restore only in the session they were minted in (the session /mask answered with, or the call's Masker-Session-Id)")
            error.param = "session"
            throw error
        }
        let scope = TokenScopes.scope(policy, account: account.id, owner: owner, session: session ?? "")
        let result = await runtime.rehydrator(kid: policy.kid, scope: scope).rehydrate(text)
        let audit = AuditScope(sessionID: session, agentID: owner == Self.owner ? nil : owner, policy: policy)
        try await runtime.record(audit.rehydrations(result.events), policy: policy, payload: nil)
        let failed = result.events.filter { if case .failed = $0.outcome { return true } else { return false } }.count
        return JSONResponse.make(.object([
            ("text", .string(result.text)), ("restored", .int(result.events.count - failed)), ("failed", .int(failed)),
        ]))
    }
}
