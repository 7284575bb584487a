import AsyncHTTPClient
import Foundation
import NIOCore
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// Retell's custom-LLM WebSocket, played by a client written from Retell's protocol documentation
/// (Tests/e2e/retell_client_e2e.py): the opening, ping_pong, call details kept from the model,
/// every turn masked upstream and its answer restored, reminders, and a superseded response.
@Suite(.serialized)
struct RetellTests {
    @Test func aRetellCallIsMaskedUpstreamAndHeardExactly() async throws {
        let upstream = try await FakeUpstream(mode: .echoSlowly(.milliseconds(15)))
        let server = try await TestServer {
            $0.openAIBaseURL = upstream.baseURL
            $0.retellListen = ListenAddress(host: "127.0.0.1", port: 0)
        }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("retell")), ("upstream", .string("openai:fake-model"))]), token: token)
        let retellPort = try #require(server.retellPort)
        let turns = Array(try ProxyTests.corpus().prefix(4))
        let run = try await PythonScript.run("retell_client_e2e.py", ["ws://127.0.0.1:\(retellPort)/retell/\(agent)/call_retell_e2e_1"],
                                             stdin: JSONValue.array(turns.map { .string($0.text) }).serialized())
        #expect(run.code == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        try #require(lines.count == turns.count + 4, "\(run.stdout)\n\(run.stderr)")

        let opening = try #require(lines.first?["opening"])
        #expect(opening == .array([
            .object([("response_type", .string("config")), ("config", .object([("auto_reconnect", .bool(true)), ("call_details", .bool(true))]))]),
            .object([("response_type", .string("response")), ("response_id", .int(0)), ("content", .string("")), ("content_complete", .bool(true))]),
        ]))
        #expect(lines[1]["pong"] == .object([("response_type", .string("ping_pong")), ("timestamp", .int(1_733_500_000_123))]))
        for (index, turn) in turns.enumerated() {
            #expect(lines[2 + index]["answer"]?.stringValue == "You said: " + turn.text, "turn \(index): \(lines[2 + index])")
        }
        // The reminder's answer echoes the caller's last words: its instruction is a system line.
        #expect(lines[2 + turns.count]["reminder"]?.stringValue == "You said: " + (turns.last?.text ?? ""))
        let superseded = lines[3 + turns.count]
        #expect(superseded["superseded_complete"] == .bool(false), "the older response went on after a newer id: \(superseded)")
        #expect(superseded["newer"]?.stringValue == "You said: " + (turns.last?.text ?? ""))

        // Upstream: tokens only. Nothing of the call's details, every turn's values masked, and
        // the call's earlier lines masked again exactly as they first were.
        let sent = upstream.receivedText
        for value in turns.flatMap(\.values) + ["4155552671", "Sarah Chen", "1990-04-12", "2125550143"] {
            #expect(!sent.contains(value), "reached the model: \(value)")
        }
        let requests = upstream.received.withLock { $0.map { (try? JSONParser.parse($0)) ?? .null } }
        #expect(requests.allSatisfy { $0["stream"] == .bool(true) && $0["model"] == .string("fake-model") })
        if requests.count >= 2, case let .array(first)? = requests[0]["messages"], case let .array(second)? = requests[1]["messages"] {
            #expect(Array(second.prefix(first.count)) == first, "an earlier line was masked differently on a later turn")
        }
        // One session for the call, named by Retell's call id.
        let sessions = try await server.call(.GET, "/api/v1/sessions?agent_id=\(agent)", token: token)
        #expect(sessions.text.contains("call_retell_e2e_1"), "\(sessions.text)")
        for value in turns.flatMap(\.values) { #expect(!server.logs.text.contains(value)) }
        try await server.stop()
        await upstream.stop()
    }

    @Test func onlyACallOfAKnownAgentIsUpgraded() async throws {
        let server = try await TestServer { $0.retellListen = ListenAddress(host: "127.0.0.1", port: 0) }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("retell")), ("upstream", .string("stub"))]), token: token)
        let port = try #require(server.retellPort)
        for path in ["/retell/agt_missing/call_1", "/retell/\(agent)/Sarah-Chen-4155552671", "/retell/\(agent)", "/proxy/\(agent)/v1/models"] {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.headers.add(contentsOf: [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"),
                                             ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")])
            let response = try await server.client.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 16)
            // A refused upgrade is 400 (Hummingbird's answer to a failed handshake), anything else 404.
            #expect([400, 404].contains(response.status.code), "\(path) answered \(response.status.code)")
            #expect(!String(buffer: body).contains("4155552671"))
        }
        try await server.stop()
    }
}
