import Foundation
import MaskerCore
@testable import MaskerServer
import MaskerTestSupport
import Testing

/// `POST /vapi/webhook/{agent_id}` and the proxy's handling of the call metadata Vapi sends.
@Suite(.serialized)
struct VapiWebhookTests {
    static func message(_ type: String, _ extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("message", .object([("type", .string(type))] + extra))])
    }

    @Test func anAssistantRequestIsAnsweredWithTheAgentsProxyAsItsModel() async throws {
        // Vapi reaches the proxy at the server's public address (MASKER_PUBLIC_URL).
        let server = try await TestServer { $0.publicURL = "https://masker.clinic.example" }
        let agent = try await server.createAgent(.object([("name", .string("front desk")), ("upstream", .string("openai:gpt-4o-mini"))]),
                                                 token: try await server.token())
        let reply = try await server.call(.POST, "/vapi/webhook/\(agent)", json: Self.message("assistant-request", [
            ("call", .object([("id", .string("call-7f3a")), ("customer", .object([("number", .string("+14155552671"))]))])),
        ]))
        #expect(reply.status == 200)
        let model = reply.json["assistant"]?["model"]
        #expect(reply.json["assistant"]?["name"]?.stringValue == "front desk")
        #expect(model?["provider"]?.stringValue == "custom-llm")
        #expect(model?["url"]?.stringValue == "https://masker.clinic.example/proxy/\(agent)/v1")
        #expect(model?["model"]?.stringValue == "gpt-4o-mini")
        #expect(model?["metadataSendMode"]?.stringValue == "off")
        #expect(model?["headers"]?["Masker-Session-Id"]?.stringValue == "call-7f3a")
        #expect(!reply.text.contains("4155552671"))
        try await server.stop()
    }

    /// Status updates and end-of-call reports carry the call's transcript: acknowledged, never kept.
    @Test func otherServerMessagesAreAcknowledgedAndNothingOfThemIsKept() async throws {
        let server = try await TestServer()
        let agent = try await server.createAgent(.object([("name", .string("d")), ("upstream", .string("stub"))]), token: try await server.token())
        let reply = try await server.call(.POST, "/vapi/webhook/\(agent)", json: Self.message("end-of-call-report", [
            ("artifact", .object([("transcript", .string("my ssn is 536-22-1234"))])),
        ]))
        #expect(reply.status == 200)
        #expect(reply.json == .object([]))
        #expect(!server.logs.text.contains("536-22-1234"))
        #expect(!((try? String(contentsOfFile: server.auditPath, encoding: .utf8)) ?? "").contains("536-22-1234"))
        try await server.stop()
    }

    @Test func badRequestsGetTheDocumentedErrors() async throws {
        let server = try await TestServer { $0.webhookSecret = "s3cret" }
        let agent = try await server.createAgent(.object([("name", .string("d")), ("upstream", .string("stub"))]), token: try await server.token())
        let body = Self.message("assistant-request").serialized()
        let unsigned = try await server.call(.POST, "/vapi/webhook/\(agent)", raw: body)
        #expect(unsigned.status == 401)
        #expect(unsigned.json["error"]?["code"]?.stringValue == "bad_signature")
        let signed = try await server.call(.POST, "/vapi/webhook/\(agent)", raw: body, headers: ["X-Vapi-Signature": HMACHex.sign(body, secret: "s3cret")])
        #expect(signed.status == 200)
        // No call id, no session header; the secret goes with the turns (Vapi cannot sign them),
        // and they pass the proxy's check with it.
        let headers = signed.json["assistant"]?["model"]?["headers"]
        #expect(headers == .object([("X-Vapi-Secret", .string("s3cret"))]))
        let turn = JSONValue.object([("messages", .array([.object([("role", .string("user")), ("content", .string("hello"))])]))])
        let proxied = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: turn,
                                            headers: ["X-Vapi-Secret": headers?["X-Vapi-Secret"]?.stringValue ?? ""])
        #expect(proxied.status == 200)

        let missing = try await server.call(.POST, "/vapi/webhook/agt_nope", raw: body, headers: ["X-Vapi-Signature": HMACHex.sign(body, secret: "s3cret")])
        #expect(missing.status == 404)
        #expect(missing.json["error"]?["code"]?.stringValue == "agent_not_found")
        let notVapi = "{\"hello\":1}"
        let invalid = try await server.call(.POST, "/vapi/webhook/\(agent)", raw: notVapi, headers: ["X-Vapi-Signature": HMACHex.sign(notVapi, secret: "s3cret")])
        #expect(invalid.status == 400)
        #expect(invalid.json["error"]?["code"]?.stringValue == "invalid_webhook")
        try await server.stop()
    }

    /// Vapi's default `metadataSendMode` puts the call, the customer and the phone number into
    /// every turn's request. The call's id groups its turns into one session; the objects are
    /// dropped before the model (OpenAI refuses a request that carries them), or, with
    /// `MASKER_FORWARD_CALL_METADATA`, sent on with the caller's number and name masked.
    @Test(arguments: [false, true])
    func callMetadataInAProxiedTurnNeverReachesTheModelUnmaskedAndItsCallIdNamesTheSession(_ forwarded: Bool) async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer {
            $0.openAIBaseURL = upstream.baseURL
            $0.forwardCallMetadata = forwarded
        }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("v")), ("upstream", .string("openai:m"))]), token: token)
        let customer = JSONValue.object([("number", .string("+14155552671")), ("name", .string("Sarah Chen"))])
        for turn in ["hi, I need to move my appointment", "my date of birth is april twelfth nineteen ninety"] {
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([
                ("messages", .array([.object([("role", .string("user")), ("content", .string(turn))])])),
                ("call", .object([("id", .string("call-7f3a")), ("customer", customer)])),
                ("customer", customer),
                ("phoneNumber", .object([("number", .string("+16505550199"))])),
            ]))
            #expect(reply.status == 200)
        }
        let sent = upstream.receivedText
        for value in ["4155552671", "6505550199", "Sarah Chen", "april twelfth"] { #expect(!sent.contains(value), "\(value) reached the model") }
        if forwarded {
            #expect(sent.contains("\"customer\"") && sent.contains("\"phoneNumber\"") && sent.contains("\"call\"")) // still there, masked
        } else {
            #expect(!sent.contains("\"customer\"") && !sent.contains("\"phoneNumber\"") && !sent.contains("\"call\""))
            #expect(sent.contains("my date of birth is")) // the turn itself went
        }
        let sessions = try await server.call(.GET, "/api/v1/sessions?agent_id=\(agent)", token: token)
        guard case let .array(data)? = sessions.json["data"] else { Issue.record("no sessions"); return }
        #expect(data.count == 1)
        #expect(data.first?["external_id"]?.stringValue == "call-7f3a")
        #expect(data.first?["turns"]?.intValue == 2)
        try await server.stop()
        await upstream.stop()
    }
}
