import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// `azure-openai:<deployment>` agents: Azure's URLs (the deployment in the path, `api-version` in
/// the query) and its `api-key` header, the server's key or the caller's own; masked as any agent.
@Suite(.serialized)
struct AzureOpenAIUpstreamTests {
    @Test func chatCompletionsAndResponsesGoToTheDeploymentWithTheKeyInApiKey() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer {
            $0.azureOpenAI = AzureOpenAISettings(endpoint: upstream.root, apiVersion: "2025-03-01-preview", apiKey: "server-azure-key")
        }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("azure")), ("upstream", .string("azure-openai:gpt-4o-clinic"))]),
                                                 token: token)
        let said = "my ssn is 536-22-1234"
        let chat = JSONValue.object([("messages", .array([.object([("role", .string("user")), ("content", .string(said))])]))])
        var reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: chat)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json["choices"]?[0]?["message"]?["content"]?.stringValue == "You said: " + said)
        reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: chat, headers: ["api-key": "callers-own-key"])
        #expect(reply.status == 200, "\(reply.text)")
        reply = try await server.call(.POST, "/proxy/\(agent)/v1/responses", json: .object([("input", .string(said)), ("stream", .bool(true))]))
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.text.contains("response.completed") && reply.text.contains("536-22-1234"))

        let paths = upstream.paths.withLock { $0 }
        #expect(paths.map(\.path) == ["/openai/deployments/gpt-4o-clinic/chat/completions", "/openai/deployments/gpt-4o-clinic/chat/completions",
                                      "/openai/responses"])
        #expect(paths.allSatisfy { $0.query == "api-version=2025-03-01-preview" })
        #expect(paths.map(\.apiKey) == ["server-azure-key", "callers-own-key", "server-azure-key"])
        #expect(upstream.authorizations.withLock { $0 } == ["", "", ""], "the Azure key goes in api-key, not Authorization")
        // The deployment's name is the model of what is sent, and nothing said reached it.
        #expect(!upstream.receivedText.contains("536-22-1234"))
        #expect(try JSONParser.parse(upstream.received.withLock { $0[0] })["model"]?.stringValue == "gpt-4o-clinic")
        // Another model asked for is refused, as for OpenAI agents.
        reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions",
                                      json: .object([("model", .string("gpt-5")), ("messages", chat["messages"] ?? .null)]))
        #expect(reply.status == 422 && reply.json["error"]?["code"]?.stringValue == "model_not_allowed", "\(reply.text)")
        try await server.stop()
        await upstream.stop()
    }

    @Test func withoutAnEndpointTheAgentSaysWhatToSetAndBadDeploymentNamesAreRefused() async throws {
        let server = try await TestServer()
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("azure")), ("upstream", .string("azure-openai:gpt-4o"))]), token: token)
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions",
                                          json: .object([("messages", .array([.object([("role", .string("user")), ("content", .string("hi"))])]))]))
        #expect(reply.status == 500 && reply.json["error"]?["code"]?.stringValue == "agent_misconfigured", "\(reply.text)")
        #expect(reply.text.contains("MASKER_AZURE_OPENAI_ENDPOINT"))
        for name in ["azure-openai:", "azure-openai:a/b", "azure-openai:x?y"] {
            let created = try await server.call(.POST, "/api/v1/agents", json: .object([("name", .string("bad")), ("upstream", .string(name))]),
                                                token: token)
            #expect(created.status == 422, "\(name): \(created.text)")
        }
        try await server.stop()
    }
}
