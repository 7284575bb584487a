import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore
import MaskerStore

/// `POST /proxy/{agent_id}/v1/chat/completions`: mask the request, forward it to the agent's
/// upstream, rehydrate the answer (streamed or whole), and record the turn.
///
/// Fails closed at every step: if masking, the vault or the audit log fails, nothing is sent
/// upstream; if the answer's events cannot be recorded, the answer is not released.
struct ProxyService: Sendable {
    let runtime: MaskingRuntime
    let agents: AgentCache
    let sessions: SessionRecorder
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let httpClient: HTTPClient
    let detector: TurnDetector
    let rateLimiter: RateLimiter
    let history: CallHistory

    static let sessionHeader = HTTPField.Name("Masker-Session-Id")!

    func models(agentID: String) async throws -> Response {
        let agent = try await agentOrThrow(agentID)
        let model = try upstream(for: agent).model
        return JSONResponse.make(.object([("object", .string("list")), ("data", .array([.object([
            ("id", .string(model)), ("object", .string("model")), ("created", .int(0)), ("owned_by", .string("masker")),
        ])]))]))
    }

    func chatCompletions(_ request: Request, context: MaskerRequestContext, agentID: String) async throws -> Response {
        let agent = try await agentOrThrow(agentID)
        do {
            let response = try await proxy(request, context: context, agent: agent)
            metrics.request(agent: agent.id, status: Int(response.status.code))
            return response
        } catch let error as APIError {
            metrics.request(agent: agent.id, status: Int(error.status.code))
            throw error
        }
    }

    private func proxy(_ request: Request, context: MaskerRequestContext, agent: Agent) async throws -> Response {
        if let wait = rateLimiter.check(agent.id) {
            var error = APIError(.tooManyRequests, "rate_limited", "this agent is over MASKER_RATE_LIMIT_PER_MINUTE; retry after \(wait) s")
            error.headers[.retryAfter] = String(wait)
            throw error
        }
        var request = request
        let bytes = try await request.collectedBytes(limit: configuration.maxBodyBytes)
        try BodySignature.check(request, body: bytes, secret: configuration.webhookSecret)
        let received: JSONValue
        do {
            received = try JSONParser.parse(bytes)
        } catch {
            throw APIError.badJSON(error)
        }
        guard case .object = received else { throw APIError(.badRequest, "invalid_json", "the request body must be a JSON object") }
        let upstream = try upstream(for: agent)
        if case let .openAI(model)? = UpstreamName(agent.upstream), let asked = received["model"]?.stringValue, !asked.isEmpty, asked != model {
            throw APIError(.unprocessableContent, "model_not_allowed",
                           "this agent forwards to model \(model) only; send \"model\": \"\(model)\" or omit it")
        }
        let state = try runtime.policyState(for: agent)
        let policy = state.policy
        let tokenization = agent.tokenization.flatMap(TokenizationScheme.init(rawValue:)) ?? policy.tokenization
        let externalID = try sessionID(request, body: received)
        // Read for the session id above; not sent on unless asked for (ServerConfiguration).
        let body = configuration.forwardCallMetadata ? received : ChatRequestWalker.droppingPlatformCallFields(received)
        let session = externalID ?? context.requestID
        let scope = TokenScopes.scope(policy, account: agent.accountID, owner: agent.id, session: session)
        let masker = try runtime.masker(tokenization, policy: policy, scope: scope)
        let audit = AuditScope(sessionID: session, agentID: agent.id, policy: policy)

        var timings: [String: Duration] = [:]
        let historyContext = CallHistory.Context(agentID: agent.id, sessionID: session, pipeline: state.pipeline.identity,
                                                 tokenization: tokenization, kid: policy.kid)
        let turn: MaskedRequest
        do {
            turn = try await RequestMasking(detector: detector, history: history, historyContext: historyContext, account: agent.accountID,
                                            pipeline: state.pipeline, masker: masker).mask(body)
        } catch let refusal as RequestRefusal {
            throw refusal.apiError
        } catch let timeout as DetectionTimedOut {
            throw await runtime.refuse(timeout, audit: audit, policy: policy)
        } catch let error as TokenMintError {
            runtime.logger.error("masking failed: \(error.description)", metadata: ["request_id": .string(context.requestID)])
            throw APIError(.serviceUnavailable, "masking_failed", "the request could not be masked, so it was not sent: \(error.description)")
        }
        timings["detect"] = turn.detecting
        let minting = turn.minting
        let masked = turn.body
        let results = turn.fresh.map { turn.prepared[$0].result }
        var events: [AuditEvent] = turn.fallback.map { [audit.detectionFallback(reason: $0.reason)] } ?? []
        var spans: [TurnSpan] = []
        for index in turn.fresh {
            let result = turn.prepared[index].result, field = turn.texts[index].location.description
            let found = audit.redactions(result, tokenization: tokenization, field: field)
            spans += TurnRecording.spans(found, masked: result.maskedSpans, field: field)
            events += found
        }
        let keepText = policy.audit.logPayloads && policy.audit.logEvents
        let recording = TurnRecording(accountID: agent.accountID, agentID: agent.id, spans: spans, texts: keepText ? turn.fresh.map { index in
            TurnPayload.Text(field: turn.texts[index].location.description, role: turn.texts[index].message?.role,
                             original: turn.texts[index].keyed.value, masked: turn.prepared[index].result.masked)
        } : nil, key: runtime.audit?.recordKey)
        let payload = policy.audit.logPayloads
            ? AuditLog.Payload(masked: turn.prepared.map(\.result.masked).joined(separator: "\n"), sessionID: audit.sessionID, agentID: agent.id) : nil
        let nowRecorded = turn.nowRecorded
        let commit = TurnCommit(turn.stored.map { turn.prepared[$0] }, masker: masker, events: events, payload: payload, policy: policy,
                                runtime: runtime, metrics: metrics, requestID: context.requestID, onDurable: { [history] in
                                    history.markRecorded(nowRecorded)
                                })
        for result in results {
            for replacement in result.replacements {
                metrics.redaction(kind: replacement.detection.kind.rawValue, pass: replacement.detection.pass.rawValue)
            }
        }
        // Tokens go to the model while the vault and the audit log make the turn durable (the
        // answer waits for both, below). Text left as it was by a `passthrough` rule is PHI
        // itself, so such a turn goes only once its events are on the record.
        if results.contains(where: { $0.replacements.contains { $0.action == .passthrough } }) {
            try await settle(commit, .notSent, minting: minting, timings: &timings, agent: agent, externalID: externalID, results: results,
                             recording: recording)
        }

        // Forward with the agent's model, and a seed that says nothing of the caller's (`RequestSeed`).
        var forwarded = RequestSeed.replacing(masked, key: runtime.keyRing.currentKey(for: policy.kid))
        if case let .object(fields) = forwarded {
            forwarded = .object(fields.filter { $0.0 != "model" } + [("model", .string(upstream.model))])
        }
        let stream = body["stream"] == .bool(true)
        let clock = ContinuousClock()
        let authorization = request.headers[.authorization]
        let upstreamStart = clock.now
        let answer: UpstreamResponse
        let upstreamRequest = UpstreamRequest(body: forwarded, stream: stream, authorization: authorization)
        do {
            let eventLoop = context.channel.eventLoop
            answer = try await UpstreamCall.run(timeout: configuration.upstreamTimeout, on: eventLoop,
                                                disconnect: DisconnectWatcher.signal(for: context.channel)) { cancellation in
                try await upstream.send(upstreamRequest, on: eventLoop, cancellation: cancellation)
            }
        } catch is ClientDisconnected {
            // Nobody is left to read the answer: the upstream call was cancelled, not paid for.
            let closed = APIError(.init(code: 499, reasonPhrase: "Client Closed Request"), "client_closed",
                                  "the client closed the connection before the model answered")
            do {
                try await settle(commit, .sentToModel, minting: minting, timings: &timings, agent: agent, externalID: externalID, results: results,
                                 recording: recording)
            } catch {
                throw closed // the turn is recorded with the write that failed
            }
            await recordFailedTurn(agent: agent, externalID: externalID, status: "client_closed", results: results, timings: timings,
                                   recording: recording)
            throw closed
        } catch let failure as UpstreamFailure {
            try await settle(commit, .sentToModel, minting: minting, timings: &timings, agent: agent, externalID: externalID, results: results,
                                 recording: recording)
            await recordFailedTurn(agent: agent, externalID: externalID, status: failure.apiError.code, results: results, timings: timings,
                                   recording: recording)
            throw failure.apiError
        }
        timings["upstream"] = clock.now - upstreamStart
        // Nothing restored from this turn's tokens leaves before they and its events are durable.
        try await settle(commit, .sentToModel, minting: minting, timings: &timings, agent: agent, externalID: externalID, results: results,
                                 recording: recording)
        let rehydrator = runtime.rehydrator(kid: policy.kid, scope: scope)

        switch answer {
        case let .complete(status, answerBytes):
            guard (200..<300).contains(status) else {
                await recordFailedTurn(agent: agent, externalID: externalID, status: "upstream_error", results: results, timings: timings,
                                       recording: recording)
                throw APIError(.badGateway, "upstream_error", "the model answered with HTTP \(status); check the agent's upstream and key")
            }
            guard let answerJSON = try? JSONParser.parse(answerBytes) else {
                await recordFailedTurn(agent: agent, externalID: externalID, status: "upstream_error", results: results, timings: timings,
                                       recording: recording)
                throw APIError(.badGateway, "upstream_error", "the model's answer was not JSON")
            }
            let rehydrateStart = clock.now
            var restorer = ChatResponseRehydrator(rehydrator)
            let restored = await restorer.rehydrate(answerJSON)
            let rehydrateTime = clock.now - rehydrateStart
            timings["rehydrate"] = rehydrateTime
            let rehydrations = restorer.takeEvents()
            try await Self.record(audit.rehydrations(rehydrations), policy: policy, runtime: runtime, metrics: metrics,
                                  progress: .sentToModel)
            var said = recording.answer()
            said.count(rehydrations)
            said.add(came: answerJSON, went: restored)
            let sessionID = try await recordTurn(agent: agent, externalID: externalID, status: "ok", results: results, timings: timings,
                                                 recording: recording, answer: said)
            var response = JSONResponse.make(restored)
            response.headers[Self.sessionHeader] = sessionID
            return response
        case let .stream(chunks):
            let sessionID = try await recordTurn(agent: agent, externalID: externalID, status: "ok", results: results, timings: timings,
                                                 recording: nil)
            let runtime = runtime
            let metrics = metrics
            let sessions = sessions
            let requestID = context.requestID
            let turnMillis = timings.mapValues(\.milliseconds)
            let body = ResponseBody { writer in
                var parser = ServerSentEventParser()
                var restorer = ChatStreamRehydrator(rehydrator)
                let streamStart = ContinuousClock.now
                var finished = false
                // The turn's own row goes once the stream has ended, however it ended.
                var said = recording.answer(), ended = "ok"
                defer {
                    var millis = turnMillis
                    millis["stream"] = (ContinuousClock.now - streamStart).milliseconds
                    sessions.add(recording.turn(sessionID: sessionID, status: ended, stageMillis: millis, answer: said, logger: runtime.logger))
                }
                do {
                    for try await chunk in chunks {
                        for data in parser.feed(chunk) {
                            finished = try await Self.forward(event: data, restorer: &restorer, writer: &writer, said: &said) || finished
                        }
                        // Events are recorded as they arise: nothing restored is written out
                        // before its rehydration event is on the record.
                        let rehydrations = restorer.takeEvents()
                        said.count(rehydrations)
                        try await Self.record(audit.rehydrations(rehydrations), policy: policy, runtime: runtime, metrics: metrics,
                                              progress: .partlyReleased)
                    }
                    if let data = parser.finish() {
                        finished = try await Self.forward(event: data, restorer: &restorer, writer: &writer, said: &said) || finished
                    }
                    if !finished {
                        ended = "upstream_error"
                        // The upstream closed the connection without `[DONE]`: said in-band, as a reset is.
                        runtime.logger.warning("upstream stream closed before [DONE]", metadata: ["request_id": .string(requestID)])
                        let failure = APIError(.badGateway, "upstream_error",
                                               "the model's stream ended before it finished (the connection closed without [DONE]); the answer may be incomplete")
                        try await writer.write(ByteBuffer(string: "data: \(Self.streamError(failure, requestID: requestID))\n\n"))
                    }
                } catch is CancellationError {
                    ended = "client_closed"
                    return
                } catch let error as APIError {
                    ended = error.code
                    runtime.logger.error("stream stopped: \(error.code)", metadata: ["request_id": .string(requestID)])
                    try await writer.write(ByteBuffer(string: "data: \(Self.streamError(error, requestID: requestID))\n\n"))
                } catch {
                    // The upstream connection broke mid-answer: say so in-band, as OpenAI does.
                    ended = "upstream_error"
                    runtime.logger.warning("upstream stream failed: \(String(describing: type(of: error)))", metadata: ["request_id": .string(requestID)])
                    let failure = APIError(.badGateway, "upstream_error",
                                           "the model's stream broke off (the connection failed); the answer up to this point was released")
                    try await writer.write(ByteBuffer(string: "data: \(Self.streamError(failure, requestID: requestID))\n\n"))
                }
                try await Self.writeClosing(&restorer, &writer, said: &said)
                let rehydrations = restorer.takeEvents()
                said.count(rehydrations)
                try await Self.record(audit.rehydrations(rehydrations), policy: policy, runtime: runtime, metrics: metrics,
                                      progress: .partlyReleased)
                metrics.stage("stream", ContinuousClock.now - streamStart)
                try await writer.finish(nil)
            }
            var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
            headers[Self.sessionHeader] = sessionID
            return Response(status: .ok, headers: headers, body: body)
        }
    }

    /// One upstream event, rehydrated and written (`[DONE]` first releases anything still held).
    /// Returns whether it was `[DONE]`, the end of a whole answer.
    /// What it carried is added to `said`.
    private static func forward(event data: String, restorer: inout ChatStreamRehydrator, writer: inout any ResponseBodyWriter,
                                said: inout TurnRecording.Answer) async throws -> Bool {
        if data == "[DONE]" {
            try await writeClosing(&restorer, &writer, said: &said)
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            return true
        }
        guard let chunk = try? JSONParser.parse(data) else { return false } // not JSON: nothing a client could use
        let restored = await restorer.rehydrate(chunk: chunk)
        said.add(came: chunk, went: restored)
        try await writer.write(Self.event(restored))
        return false
    }

    /// What the stream's texts still hold back, released in a closing chunk (none when nothing is held).
    private static func writeClosing(_ restorer: inout ChatStreamRehydrator, _ writer: inout any ResponseBodyWriter,
                                     said: inout TurnRecording.Answer) async throws {
        guard let closing = await restorer.finishStream() else { return }
        said.add(came: nil, went: closing)
        try await writer.write(Self.event(closing))
    }

    /// One server-sent event carrying `value`.
    private static func event(_ value: JSONValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("data: ")
        buffer.writeBytes(value.serializedBytes())
        buffer.writeString("\n\n")
        return buffer
    }

    private static func streamError(_ error: APIError, requestID: String) -> String {
        JSONValue.object([("error", .object([("code", .string(error.code)), ("message", .string(error.message)),
                                             ("type", .string(error.type)), ("request_id", .string(requestID))]))]).serialized()
    }

    /// Adds the turn to its session, and, with `recording`, its own row (`ProxyTurn`); a streamed
    /// turn passes none here and adds its row when the stream ends.
    @discardableResult
    private func recordTurn(agent: Agent, externalID: String?, status: String, results: [MaskResult], timings: [String: Duration],
                            recording: TurnRecording?, answer: TurnRecording.Answer? = nil) async throws -> String {
        var kinds: [String: Int] = [:], passes: [String: Int] = [:]
        for result in results {
            for replacement in result.replacements {
                kinds[replacement.detection.kind.rawValue, default: 0] += 1
                passes[replacement.detection.pass.rawValue, default: 0] += 1
            }
        }
        for (stage, duration) in timings { metrics.stage(stage, duration) }
        let millis = timings.mapValues(\.milliseconds)
        let started = ContinuousClock.now
        defer { metrics.stage("session", ContinuousClock.now - started) }
        do {
            let id = try await sessions.record(accountID: agent.accountID, agentID: agent.id, externalID: externalID,
                                               turn: SessionTurn(status: status, redactionsByKind: kinds, redactionsByPass: passes, stageMillis: millis))
            if let recording {
                sessions.add(recording.turn(sessionID: id, status: status, stageMillis: millis, answer: answer, logger: runtime.logger))
            }
            return id
        } catch {
            runtime.logger.error("session not recorded: \(error.description)")
            // Sessions are recorded once the model has answered (or failed to).
            throw TurnProgress.sentToModel.sessionFailed(error)
        }
    }

    /// Records a turn that already failed: its own error is what the caller must hear, so a
    /// session that cannot be recorded as well is logged, not answered.
    private func recordFailedTurn(agent: Agent, externalID: String?, status: String, results: [MaskResult],
                                  timings: [String: Duration], recording: TurnRecording) async {
        _ = try? await recordTurn(agent: agent, externalID: externalID, status: status, results: results, timings: timings,
                                  recording: recording)
    }

    /// Waits until the turn is durable (`TurnCommit`) and adds the vault's time to `tokenize`. If
    /// either write failed, the turn is recorded with that failure and nothing restored is released.
    private func settle(_ commit: TurnCommit, _ progress: TurnProgress, minting: Duration, timings: inout [String: Duration], agent: Agent,
                        externalID: String?, results: [MaskResult], recording: TurnRecording) async throws {
        let outcome = await commit.wait(progress)
        timings["tokenize"] = minting + outcome.vaultTime
        if let failure = outcome.failure {
            await recordFailedTurn(agent: agent, externalID: externalID, status: failure.code, results: results, timings: timings,
                                   recording: recording)
            throw failure
        }
    }

    /// Every audit append of a turn, whole or streamed, goes through here: appends wait for the
    /// disk (fdatasync), so their time is a stage of its own in /metrics. Calls with nothing to
    /// record (a stream chunk without tokens) are not counted.
    static func record(_ events: [AuditEvent], policy: Policy, runtime: MaskingRuntime, metrics: ServerMetrics,
                       payload: AuditLog.Payload? = nil, progress: TurnProgress) async throws(APIError) {
        guard !events.isEmpty || payload != nil else { return }
        let started = ContinuousClock.now
        defer { metrics.stage("audit", ContinuousClock.now - started) }
        try await runtime.record(events, policy: policy, payload: payload, progress: progress)
    }

    func agentOrThrow(_ id: String) async throws -> Agent {
        let agent: Agent?
        do {
            agent = try await agents.agent(id: id)
        } catch {
            throw APIError.databaseUnavailable(error)
        }
        guard let agent else {
            throw APIError(.notFound, "agent_not_found", "no agent with this id; create one with POST /api/v1/agents or masker agents create")
        }
        return agent
    }

    func upstream(for agent: Agent) throws -> any Upstream {
        switch UpstreamName(agent.upstream) {
        case .stub?: return StubUpstream()
        case let .openAI(model)?:
            return OpenAIUpstream(model: model, baseURL: configuration.openAIBaseURL, apiKey: configuration.openAIAPIKey, client: httpClient)
        case nil:
            throw APIError(.internalServerError, "agent_misconfigured", UpstreamName.help)
        }
    }

    /// `Masker-Session-Id`, checked (`SessionIDs`): it names a call and is written down as it is.
    /// Without it, the `call.id` Vapi puts in the body (its default `metadataSendMode`) names the
    /// call when it passes the same check; otherwise the request is its own session.
    private func sessionID(_ request: Request, body: JSONValue) throws(APIError) -> String? {
        guard let value = request.headers[Self.sessionHeader], !value.isEmpty else {
            guard let id = body["call"]?["id"]?.stringValue else { return nil }
            return SessionIDs.isValid(id) ? id : nil
        }
        return try SessionIDs.check(value, source: "Masker-Session-Id")
    }
}
