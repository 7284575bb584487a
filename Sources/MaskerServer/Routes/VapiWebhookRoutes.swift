import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `POST /vapi/webhook/{agent_id}`: an agent's server URL for Vapi. To an `assistant-request` (an
/// inbound call asking which assistant answers) it returns a transient assistant whose model is
/// this agent's proxy, so a clinic points its Vapi phone number here and every turn of the call
/// is masked. Every other server message is acknowledged with `{}` and dropped: status updates,
/// transcripts and end-of-call reports carry the call's PHI, and none of it is kept or logged.
struct VapiWebhookRoutes {
    let proxy: ProxyService
    let configuration: ServerConfiguration

    func register(_ router: Router<MaskerRequestContext>) {
        router.post("vapi/webhook/{agent}") { request, context in
            var request = request
            let bytes = try await request.collectedBytes(limit: configuration.maxBodyBytes)
            try BodySignature.check(request, body: bytes, secret: configuration.webhookSecret)
            let agent = try await proxy.agentOrThrow(try context.parameters.require("agent"))
            guard let body = try? JSONParser.parse(bytes), let message = body["message"], let type = message["type"]?.stringValue else {
                throw APIError(.badRequest, "invalid_webhook", "expected a Vapi server message: {\"message\": {\"type\": …}}")
            }
            guard type == "assistant-request" else { return JSONResponse.make(.object([])) }
            return JSONResponse.make(Self.assistant(for: agent, model: try proxy.upstream(for: agent).model,
                                                    callID: message["call"]?["id"]?.stringValue, baseURL: configuration.baseURL,
                                                    secret: configuration.webhookSecret))
        }
    }

    /// The assistant answering the call: Vapi's `custom-llm` provider at the agent's proxy.
    /// `metadataSendMode: off` keeps Vapi's call, customer and phone-number objects (the caller's
    /// number and name) out of every turn's request; the call id comes back as the
    /// `Masker-Session-Id` header instead, so the call's turns share one session and one token scope.
    /// With `MASKER_VAPI_WEBHOOK_SECRET` set, the turns also carry it as `X-Vapi-Secret` (Vapi
    /// cannot sign a custom-LLM request, `BodySignature`); it goes only to a caller that proved
    /// it holds the secret already.
    static func assistant(for agent: Agent, model: String, callID: String?, baseURL: String, secret: String? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("provider", .string("custom-llm")),
            ("url", .string("\(baseURL)/proxy/\(agent.id)/v1")),
            ("model", .string(model)),
            ("metadataSendMode", .string("off")),
        ]
        var headers: [(String, JSONValue)] = []
        if let callID, SessionIDs.isValid(callID) { headers.append((ProxyService.sessionHeader.rawName, .string(callID))) }
        if let secret { headers.append((BodySignature.secretHeader.rawName, .string(secret))) }
        if !headers.isEmpty { fields.append(("headers", .object(headers))) }
        // Vapi takes assistant names of up to 40 characters.
        return .object([("assistant", .object([("name", .string(String(agent.name.prefix(40)))), ("model", .object(fields))]))])
    }
}
