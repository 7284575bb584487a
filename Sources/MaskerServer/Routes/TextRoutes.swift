import Foundation
import Hummingbird
import MaskerCore

/// `/api/v1/detect`, `/mask`, `/rehydrate`: the CLI's text commands over HTTP, under the server's
/// policy. Request `{"text", "session"?}`; events carry kinds and spans, never the PHI.
struct TextRoutes {
    let runtime: MaskingRuntime
    let configuration: ServerConfiguration
    let detector: TurnDetector

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.post("detect") { request, context in try await detect(request, context) }
        group.post("mask") { request, context in try await mask(request, context) }
        group.post("rehydrate") { request, context in try await rehydrate(request, context) }
        group.post("synthesize") { request, context in try await synthesize(request, context) }
    }

    private func text(_ request: Request, _ context: MaskerRequestContext) async throws -> (text: String, body: JSONValue) {
        _ = try context.requireAccount()
        var request = request
        let (body, _) = try await request.jsonObject(limit: configuration.maxBodyBytes)
        guard let text = body["text"]?.stringValue else {
            throw APIError(.unprocessableContent, "invalid_request", "send {\"text\": \"...\"}")
        }
        return (text, body)
    }

    private func detect(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let (text, body) = try await text(request, context)
        let state = runtime.policyState
        let turn = await detector.detect(text, pipeline: state.pipeline)
        try await recordFallback(turn, session: body["session"]?.stringValue, policy: state.policy)
        return JSONResponse.make(.object([("events", .array(turn.detections[0].map { detection in
            var fields: [(String, JSONValue)] = [
                ("pass", .string(detection.pass.rawValue)), ("kind", .string(detection.kind.rawValue)),
                ("span", .array([.int(detection.start), .int(detection.end)])),
                ("confidence", .double((detection.confidence * 1000).rounded() / 1000)),
            ]
            if let backend = detection.backend { fields.append(("backend", .string(backend.rawValue))) }
            return .object(fields)
        }))]))
    }

    /// The `detection_fallback` audit event, when the LLM back end failed and the embedded model ran.
    private func recordFallback(_ turn: TurnDetector.Result, session: String?, policy: Policy) async throws {
        guard let failure = turn.fallback else { return }
        let audit = AuditScope(sessionID: session, agentID: nil, policy: policy)
        try await runtime.record([audit.detectionFallback(reason: failure.reason)], policy: policy, payload: nil)
    }

    private func mask(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let (text, body) = try await text(request, context)
        let state = runtime.policyState
        let policy = state.policy
        let session = body["session"]?.stringValue ?? context.requestID
        let scope = policy.scope == .global ? "global" : "\(account.id):\(session)"
        let masker = try runtime.masker(policy.tokenization, policy: policy, scope: scope)
        let turn = await detector.detect(text, pipeline: state.pipeline)
        try await recordFallback(turn, session: session, policy: policy)
        let result: MaskResult
        do {
            result = try await masker.mask(text, detections: turn.detections[0])
        } catch {
            throw APIError(.serviceUnavailable, "masking_failed", "the text could not be masked: \(error.description)")
        }
        let audit = AuditScope(sessionID: session, agentID: nil, policy: policy)
        try await runtime.record(audit.redactions(result, tokenization: policy.tokenization), policy: policy,
                                 payload: .init(masked: result.masked, sessionID: session, agentID: nil))
        return JSONResponse.make(.object([
            ("masked", .string(result.masked)),
            ("events", .array(result.replacements.map { replacement in
                var fields: [(String, JSONValue)] = [
                    ("pass", .string(replacement.detection.pass.rawValue)), ("kind", .string(replacement.detection.kind.rawValue)),
                    ("span", .array([.int(replacement.detection.start), .int(replacement.detection.end)])),
                    ("action", .string(replacement.action.rawValue)),
                ]
                if let backend = replacement.detection.backend { fields.append(("backend", .string(backend.rawValue))) }
                return .object(fields)
            })),
            ("policy_name", .string(policy.name)), ("policy_version", .int(policy.version)),
        ]))
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
        let session = body["session"]?.stringValue ?? "default"
        var policy = state.policy
        if let seed { policy.synthetic.seed = seed }
        let sessions = try runtime.syntheticSessions()
        let masker = Masker(policy: policy, synthetic: sessions.session("\(account.id):\(session)#\(policy.synthetic.seed.map(String.init) ?? "-")", policy: policy))
        let turn = await detector.detect(text, pipeline: state.pipeline)
        try await recordFallback(turn, session: session, policy: policy)
        let result = try await masker.mask(text, detections: turn.detections[0])
        let audit = AuditScope(sessionID: session, agentID: nil, policy: policy)
        try await runtime.record(audit.redactions(result, tokenization: .synthetic), policy: policy, payload: nil)
        return JSONResponse.make(.object([
            ("text", .string(result.masked)),
            ("events", .array(zip(result.replacements, result.maskedSpans).map { replacement, output in
                .object([
                    ("pass", .string(replacement.detection.pass.rawValue)), ("kind", .string(replacement.detection.kind.rawValue)),
                    ("span", .array([.int(replacement.detection.start), .int(replacement.detection.end)])),
                    ("output_span", .array([.int(output.start), .int(output.end)])),
                    ("action", .string(replacement.action.rawValue)),
                ])
            })),
            ("policy_name", .string(policy.name)), ("policy_version", .int(policy.version)),
        ]))
    }

    private func rehydrate(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let (text, body) = try await text(request, context)
        let policy = runtime.policyState.policy
        let result = await runtime.rehydrator(kid: policy.kid).rehydrate(text)
        let audit = AuditScope(sessionID: body["session"]?.stringValue, agentID: nil, policy: policy)
        try await runtime.record(audit.rehydrations(result.events), policy: policy, payload: nil)
        let failed = result.events.filter { if case .failed = $0.outcome { return true } else { return false } }.count
        return JSONResponse.make(.object([
            ("text", .string(result.text)), ("restored", .int(result.events.count - failed)), ("failed", .int(failed)),
        ]))
    }
}
