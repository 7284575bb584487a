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
    static let python = Repository.root.appendingPathComponent(".build/python-e2e/bin/python")

    /// Runs the script off the cooperative pool (the server under test needs those threads).
    static func runScript(_ arguments: [String], stdin: String) async throws -> (code: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let process = Process()
                    process.executableURL = python
                    process.arguments = [Repository.root.appendingPathComponent("Tests/e2e/openai_client_e2e.py").path] + arguments
                    process.environment = ["PATH": "/usr/bin:/bin", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"]
                    let out = Pipe(), err = Pipe(), input = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    process.standardInput = input
                    try process.run()
                    input.fileHandleForWriting.write(Data(stdin.utf8))
                    try input.fileHandleForWriting.close()
                    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: stdout, as: UTF8.self),
                                                    String(decoding: stderr, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    @Test func theOfficialClientGetsBackExactlyWhatItSaid() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.python.path),
                "the e2e virtualenv is missing: run scripts/setup.sh (it installs Tests/e2e/requirements.txt)")
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("py")), ("upstream", .string("openai:fake-model"))]), token: token)
        let turns = Array(try ProxyTests.corpus().prefix(12))
        let input = JSONValue.array(turns.map { .string($0.text) }).serialized()

        let run = try await Self.runScript(["\(server.base)/proxy/\(agent)/v1", "fake-model", "\(server.base)/proxy/agt_missing/v1"], stdin: input)
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
}
