import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// The proxy as the official `openai` Python client sees it (Tests/e2e/openai_client_e2e.py, run
/// from the virtualenv `scripts/setup.sh` builds): whole and streamed answers, tool calls both
/// ways, and the client's own exception for an unknown agent.
@Suite(.serialized)
struct OpenAIClientTests {
    @Test func theOfficialClientGetsBackExactlyWhatItSaid() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: PythonScript.python.path),
                "the e2e virtualenv is missing: run scripts/setup.sh (it installs Tests/e2e/requirements.txt)")
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("py")), ("upstream", .string("openai:fake-model"))]), token: token)
        let turns = Array(try ProxyTests.corpus().prefix(12))
        let input = JSONValue.array(turns.map { .string($0.text) }).serialized()

        let run = try await PythonScript.run("openai_client_e2e.py", ["\(server.base)/proxy/\(agent)/v1", "fake-model", "\(server.base)/proxy/agt_missing/v1"], stdin: input)
        #expect(run.code == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        try #require(lines.count == turns.count + 1, "\(run.stdout)\n\(run.stderr)")
        for (turn, line) in zip(turns, lines) {
            #expect(line["whole"]?.stringValue == "You said: " + turn.text)
            #expect(line["streamed"]?.stringValue == "You said: " + turn.text)
            #expect(line["tool_name"]?.stringValue == "book_appointment")
            for key in ["tool_whole", "tool_streamed"] {
                let arguments = try JSONParser.parse(line[key]?.stringValue ?? "")
                #expect(arguments["text"]?.stringValue == turn.text, "\(key) did not come back as valid JSON with the original text")
            }
        }
        let missing = try #require(lines.last)
        #expect(missing["missing"]?.stringValue == "NotFoundError")
        #expect(missing["code"]?.stringValue == "agent_not_found")

        let seen = upstream.receivedText
        #expect(upstream.received.withLock { $0.count } == turns.count * 4)
        for turn in turns {
            for value in turn.values { #expect(!seen.contains(value), "a detected value reached the upstream") }
        }
        try await server.stop()
        await upstream.stop()
    }

    /// The Responses API through the same client: output text whole and streamed, function calls
    /// whole and streamed (arguments valid JSON with the original text), and a follow-up carrying
    /// the call and its output back.
    @Test func theOfficialClientsResponsesAPIGetsBackExactlyWhatItSaid() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("py")), ("upstream", .string("openai:fake-model"))]), token: token)
        let turns = Array(try ProxyTests.corpus().prefix(8))
        let input = JSONValue.array(turns.map { .string($0.text) }).serialized()

        let run = try await PythonScript.run("openai_responses_e2e.py", ["\(server.base)/proxy/\(agent)/v1", "fake-model"], stdin: input)
        #expect(run.code == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        try #require(lines.count == turns.count, "\(run.stdout)\n\(run.stderr)")
        for (turn, line) in zip(turns, lines) {
            for key in ["whole", "streamed", "completed"] { #expect(line[key]?.stringValue == "You said: " + turn.text, "\(key): \(line)") }
            #expect(line["follow_up"]?.stringValue == "You said: thanks, " + turn.text)
            #expect(line["tool_name"]?.stringValue == "book_appointment")
            for key in ["tool_whole", "tool_streamed", "tool_done"] {
                let arguments = try JSONParser.parse(line[key]?.stringValue ?? "")
                #expect(arguments["text"]?.stringValue == turn.text, "\(key) did not come back as valid JSON with the original text")
            }
        }
        let seen = upstream.receivedText
        #expect(upstream.received.withLock { $0.count } == turns.count * 5)
        #expect(upstream.paths.withLock { $0.allSatisfy { $0.path == "/v1/responses" } })
        for turn in turns {
            for value in turn.values { #expect(!seen.contains(value), "a detected value reached the upstream") }
        }
        try await server.stop()
        await upstream.stop()
    }
}
