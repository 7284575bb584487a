import AsyncHTTPClient
import MaskerCore
import MaskerStore
import NIOCore
import Tracing

/// One proxied turn, whatever front door it came through (chat completions, the Responses API,
/// Retell's WebSocket): collect its texts → detect → mint → commit (vault and audit) → forward →
/// restore (whole or streamed) → record. Each stage is a method below, timed under its name in
/// `/metrics` and on the turn's record. Front doors only translate their wire format
/// (`WireFormat`) and their answers' transport.
///
/// Fails closed at every step: if masking, the vault or the audit log fails, nothing is sent
/// upstream; if an answer's events cannot be recorded, the answer is not released.
struct TurnPipeline: Sendable {
    let runtime: MaskingRuntime
    let sessions: SessionRecorder
    let metrics: ServerMetrics
    let detector: TurnDetector
    let history: CallHistory
    let upstreams: Upstreams
    let upstreamTimeout: Duration
    let tracing: TurnTracing

    func run(_ request: TurnRequest, format: some WireFormat) async throws -> TurnAnswer {
        let trace = tracing.turn(frontDoor: request.frontDoor, agentID: request.agent.id, stream: request.stream)
        do {
            let answer = try await stages(request, format: format, trace: trace)
            if case .whole = answer { trace.end(status: "ok") } // a stream's turn ends with its stream
            return answer
        } catch {
            trace.end(status: (error as? APIError)?.code ?? "error")
            throw error
        }
    }

    /// The turn, stage by stage.
    private func stages(_ request: TurnRequest, format: some WireFormat, trace: TurnTrace) async throws -> TurnAnswer {
        let turn = try open(request)
        let masked = try await traced(trace, "masker.mask") { span in
            let masked = try await mask(request, turn: turn, format: format)
            span?.attributes["masker.texts"] = masked.texts.count
            span?.attributes["masker.texts.new"] = masked.fresh.count
            TurnTrace.count(masked.fresh.map { masked.prepared[$0].result }, on: span)
            return masked
        }
        var ledger = commit(masked, request: request, turn: turn)
        // Text left as it was by a `passthrough` rule is PHI itself: such a turn goes only once it
        // is on the record. Otherwise tokens go while the vault and the audit log write.
        if masked.passesPHIThrough { try await traced(trace, "masker.commit") { _ in try await ledger.settle(.notSent) } }
        let answer = try await traced(trace, "masker.upstream") { _ in
            try await forward(masked.body, request: request, turn: turn, format: format, ledger: &ledger)
        }
        // Nothing restored from this turn's tokens leaves before they and its events are durable.
        try await traced(trace, "masker.commit") { _ in try await ledger.settle(.sentToModel) }
        // One answer, one memo: a token it delivers again is not looked up again.
        let rehydrator = runtime.rehydrator(kid: turn.policy.kid, scope: turn.scope).remembering()
        switch answer {
        case let .complete(status, bytes):
            return try await traced(trace, "masker.rehydrate") { _ in
                try await restoreWhole(status: status, bytes: bytes, rehydrator: rehydrator, format: format, ledger: ledger)
            }
        case let .stream(chunks):
            let sessionID = try await traced(trace, "masker.record") { _ in try await ledger.record(status: "ok", answer: nil) }
            return .stream(TurnStream(chunks: chunks, format: format, rehydrator: rehydrator, ledger: ledger, sessionID: sessionID,
                                      trace: trace),
                           sessionID: sessionID)
        }
    }

    /// `body` under a span of the turn's named `name` (when tracing is on), ended however it ends.
    private func traced<T>(_ trace: TurnTrace, _ name: String, _ body: ((any Span)?) async throws -> T) async throws -> T {
        let span = trace.stage(name)
        do {
            let value = try await body(span)
            span?.end()
            return value
        } catch {
            span?.attributes["masker.error"] = (error as? APIError)?.code ?? String(describing: type(of: error))
            span?.setStatus(SpanStatus(code: .error))
            span?.end()
            throw error
        }
    }

    /// What a turn is masked under: the agent's policy, scheme, token scope and audit scope.
    struct Turn {
        var policy: Policy
        var state: MaskingRuntime.PolicyState
        var tokenization: TokenizationScheme
        var scope: String
        var masker: Masker
        var audit: AuditScope
        var upstream: any Upstream
    }

    /// The policy in force for the agent, and the masker and scopes the turn's tokens belong to.
    func open(_ request: TurnRequest) throws -> Turn {
        let agent = request.agent
        let upstream = try upstreams.upstream(for: agent)
        let state = try runtime.policyState(for: agent)
        let policy = state.policy
        let tokenization = agent.tokenization.flatMap(TokenizationScheme.init(rawValue:)) ?? policy.tokenization
        let scope = TokenScopes.scope(policy, account: agent.accountID, owner: agent.id, session: request.session)
        return Turn(policy: policy, state: state, tokenization: tokenization, scope: scope,
                    masker: try runtime.masker(tokenization, policy: policy, scope: scope),
                    audit: AuditScope(sessionID: request.session, agentID: agent.id, policy: policy), upstream: upstream)
    }

    /// Collect → detect → mint (`RequestMasking`), with each failure mapped to what the caller hears.
    func mask(_ request: TurnRequest, turn: Turn, format: some WireFormat) async throws -> MaskedRequest {
        let context = CallHistory.Context(agentID: request.agent.id, sessionID: request.session, pipeline: turn.state.pipeline.identity,
                                          tokenization: turn.tokenization, kid: turn.policy.kid)
        do {
            return try await RequestMasking(detector: detector, history: history, historyContext: context, account: request.agent.accountID,
                                            pipeline: turn.state.pipeline, masker: turn.masker, format: format).mask(request.body)
        } catch let refusal as RequestRefusal {
            throw refusal.apiError
        } catch let timeout as DetectionTimedOut {
            throw await runtime.refuse(timeout, audit: turn.audit, policy: turn.policy)
        } catch let error as TokenMintError {
            runtime.logger.error("masking failed: \(error.description)", metadata: ["request_id": .string(request.requestID)])
            throw APIError(.serviceUnavailable, "masking_failed", "the request could not be masked, so it was not sent: \(error.description)")
        }
    }

    /// Starts the writes that make the turn durable (`TurnCommit`), and gathers what its record holds.
    func commit(_ masked: MaskedRequest, request: TurnRequest, turn: Turn) -> TurnLedger {
        let agent = request.agent, policy = turn.policy
        var events: [AuditEvent] = masked.fallback.map { [turn.audit.detectionFallback(reason: $0.reason)] } ?? []
        var spans: [TurnSpan] = []
        for index in masked.fresh {
            let result = masked.prepared[index].result, field = masked.texts[index].location.description
            let found = turn.audit.redactions(result, tokenization: turn.tokenization, field: field)
            spans += TurnRecording.spans(found, masked: result.maskedSpans, field: field)
            events += found
        }
        let texts = policy.audit.logPayloads && policy.audit.logEvents ? masked.fresh.map { index in
            TurnPayload.Text(field: masked.texts[index].location.description, role: masked.texts[index].message?.role,
                             original: masked.texts[index].keyed.value, masked: masked.prepared[index].result.masked)
        } : nil
        let payload = policy.audit.logPayloads
            ? AuditLog.Payload(masked: masked.prepared.map(\.result.masked).joined(separator: "\n"), sessionID: turn.audit.sessionID,
                               agentID: agent.id) : nil
        let nowRecorded = masked.nowRecorded
        let commit = TurnCommit(masked.stored.map { masked.prepared[$0] }, masker: turn.masker, events: events, payload: payload, policy: policy,
                                runtime: runtime, metrics: metrics, requestID: request.requestID, onDurable: { [history] in
                                    history.markRecorded(nowRecorded)
                                })
        let results = masked.fresh.map { masked.prepared[$0].result }
        for result in results {
            for replacement in result.replacements {
                metrics.redaction(kind: replacement.detection.kind.rawValue, pass: replacement.detection.pass.rawValue)
            }
        }
        return TurnLedger(agent: agent, externalID: request.externalID, requestID: request.requestID, policy: policy, audit: turn.audit,
                          results: results, recording: TurnRecording(accountID: agent.accountID, agentID: agent.id, spans: spans, texts: texts,
                                                                     key: runtime.audit?.recordKey),
                          commit: commit, timings: ["detect": masked.detecting], minting: masked.minting,
                          runtime: runtime, sessions: sessions, metrics: metrics)
    }

    /// The masked request to the agent's model, with its model name and a seed that says nothing
    /// of the caller's (`RequestSeed`), under the upstream timeout and the caller's hang-up.
    func forward(_ masked: JSONValue, request: TurnRequest, turn: Turn, format: some WireFormat,
                 ledger: inout TurnLedger) async throws -> UpstreamResponse {
        var body = RequestSeed.replacing(masked, key: runtime.keyRing.currentKey(for: turn.policy.kid))
        if case let .object(fields) = body {
            body = .object(fields.filter { $0.0 != "model" } + [("model", .string(turn.upstream.model))])
        }
        let upstream = turn.upstream, eventLoop = request.eventLoop
        let outgoing = UpstreamRequest(endpoint: format.endpoint, body: body, stream: request.stream, credentials: request.credentials)
        let started = ContinuousClock.now
        do {
            let answer = try await UpstreamCall.run(timeout: upstreamTimeout, on: eventLoop, disconnect: request.disconnect) { cancellation in
                try await upstream.send(outgoing, on: eventLoop, cancellation: cancellation)
            }
            ledger.timings["upstream"] = ContinuousClock.now - started
            return answer
        } catch is ClientDisconnected {
            // Nobody is left to read the answer: the upstream call was cancelled, not paid for.
            let closed = APIError(.init(code: 499, reasonPhrase: "Client Closed Request"), "client_closed",
                                  "the client closed the connection before the model answered")
            do { try await ledger.settle(.sentToModel) } catch { throw closed } // recorded with the write that failed
            await ledger.recordFailed(status: "client_closed")
            throw closed
        } catch let failure as UpstreamFailure {
            try await ledger.settle(.sentToModel)
            await ledger.recordFailed(status: failure.apiError.code)
            throw failure.apiError
        }
    }

    /// A whole answer: every string restored (`ChatResponseRehydrator`, deny by default), its
    /// rehydrations on the record before it is released, and the turn recorded.
    func restoreWhole(status: Int, bytes: [UInt8], rehydrator: Rehydrator, format: some WireFormat,
                      ledger: TurnLedger) async throws -> TurnAnswer {
        var ledger = ledger
        guard (200..<300).contains(status) else {
            await ledger.recordFailed(status: "upstream_error")
            throw APIError(.badGateway, "upstream_error", "the model answered with HTTP \(status); check the agent's upstream and key")
        }
        guard let answer = try? JSONParser.parse(bytes) else {
            await ledger.recordFailed(status: "upstream_error")
            throw APIError(.badGateway, "upstream_error", "the model's answer was not JSON")
        }
        let started = ContinuousClock.now
        var restorer = ChatResponseRehydrator(rehydrator)
        let restored = await restorer.rehydrate(answer)
        ledger.timings["rehydrate"] = ContinuousClock.now - started
        var releases = AnswerReleases()
        let rehydrations = releases.fresh(restorer.takeEvents())
        try await ledger.recordRehydrations(rehydrations, progress: .sentToModel)
        var said = ledger.recording.answer(reading: { [format] in format.answerText($0) })
        said.count(rehydrations)
        said.add(came: answer, went: restored)
        return .whole(restored, sessionID: try await ledger.record(status: "ok", answer: said))
    }
}

/// Where agents' requests go: `stub`, `openai:<model>` or `azure-openai:<deployment>`.
struct Upstreams: Sendable {
    let configuration: ServerConfiguration
    let httpClient: HTTPClient

    func upstream(for agent: Agent) throws(APIError) -> any Upstream {
        switch UpstreamName(agent.upstream) {
        case .stub?: return StubUpstream()
        case let .openAI(model)?:
            return OpenAIUpstream(model: model, service: .openAI(baseURL: configuration.openAIBaseURL, apiKey: configuration.openAIAPIKey),
                                  client: httpClient)
        case let .azureOpenAI(deployment)?:
            guard let azure = configuration.azureOpenAI else {
                throw APIError(.internalServerError, "agent_misconfigured",
                               "this agent forwards to Azure OpenAI, but the server has no MASKER_AZURE_OPENAI_ENDPOINT; set it and restart")
            }
            return OpenAIUpstream(model: deployment, service: .azure(azure), client: httpClient)
        case nil:
            throw APIError(.internalServerError, "agent_misconfigured", UpstreamName.help)
        }
    }
}
