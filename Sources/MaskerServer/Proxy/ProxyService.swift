import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore
import MaskerStore

/// The proxy's HTTP front doors, `POST /proxy/{agent_id}/v1/chat/completions` and
/// `POST /proxy/{agent_id}/v1/responses`: read and check the request, hand it to the turn pipeline
/// (`TurnPipeline`) in its wire format, and write the restored answer back, whole or as
/// server-sent events.
struct ProxyService: Sendable {
    let agents: AgentCache
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let rateLimiter: RateLimiter
    let pipeline: TurnPipeline

    static let sessionHeader = HTTPField.Name("Masker-Session-Id")!

    func models(agentID: String) async throws -> Response {
        let agent = try await agentOrThrow(agentID)
        let model = try upstream(for: agent).model
        return JSONResponse.make(.object([("object", .string("list")), ("data", .array([.object([
            ("id", .string(model)), ("object", .string("model")), ("created", .int(0)), ("owned_by", .string("masker")),
        ])]))]))
    }

    func chatCompletions(_ request: Request, context: MaskerRequestContext, agentID: String) async throws -> Response {
        try await proxy(request, context: context, agentID: agentID, format: ChatCompletionsFormat(), style: .chatCompletions,
                        frontDoor: "chat_completions")
    }

    func responses(_ request: Request, context: MaskerRequestContext, agentID: String) async throws -> Response {
        try await proxy(request, context: context, agentID: agentID, format: ResponsesFormat(), style: .responses, frontDoor: "responses")
    }

    private func proxy(_ request: Request, context: MaskerRequestContext, agentID: String, format: some WireFormat,
                       style: ServerSentEventSink.Style, frontDoor: String) async throws -> Response {
        let agent = try await agentOrThrow(agentID)
        do {
            let turn = try await read(request, context: context, agent: agent, frontDoor: frontDoor)
            let response: Response
            switch try await pipeline.run(turn, format: format) {
            case let .whole(answer, sessionID):
                var whole = JSONResponse.make(answer)
                whole.headers[Self.sessionHeader] = sessionID
                response = whole
            case let .stream(stream, sessionID):
                response = ServerSentEventSink.response(stream, style: style, sessionHeader: (Self.sessionHeader, sessionID))
            }
            metrics.request(agent: agent.id, status: Int(response.status.code))
            return response
        } catch let error as APIError {
            metrics.request(agent: agent.id, status: Int(error.status.code))
            throw error
        }
    }

    /// The request as the pipeline takes it: under the agent's rate limit and the body limit,
    /// signed when the server wants signatures, a JSON object asking for the agent's model (or
    /// none), and its call's id checked.
    private func read(_ request: Request, context: MaskerRequestContext, agent: Agent, frontDoor: String) async throws -> TurnRequest {
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
        let model = try upstream(for: agent).model
        if UpstreamName(agent.upstream)?.pinsModel == true, let asked = received["model"]?.stringValue, !asked.isEmpty, asked != model {
            throw APIError(.unprocessableContent, "model_not_allowed",
                           "this agent forwards to model \(model) only; send \"model\": \"\(model)\" or omit it")
        }
        let externalID = try sessionID(request, body: received)
        return TurnRequest(frontDoor: frontDoor, agent: agent,
                           // Read for the session id above; not sent on unless asked for (ServerConfiguration).
                           body: configuration.forwardCallMetadata ? received : RequestWalker.droppingPlatformCallFields(received),
                           externalID: externalID, requestID: context.requestID, stream: received["stream"] == .bool(true),
                           credentials: CallerCredentials(request.headers), eventLoop: context.channel.eventLoop,
                           disconnect: DisconnectWatcher.signal(for: context.channel))
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

    func upstream(for agent: Agent) throws -> any Upstream { try pipeline.upstreams.upstream(for: agent) }

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
