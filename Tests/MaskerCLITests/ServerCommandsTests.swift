import Foundation
import MaskerCore
import MaskerTestSupport
import Testing

/// `masker admin token`, `users`, `agents` and `sessions` against a real `masker serve` process.
@Suite(.serialized)
struct ServerCommandsTests {
    static let password = "a long test password"

    /// A proxied chat turn through curl, as a voice platform would send it; returns the session id.
    func proxyTurn(_ server: ServeProcess, agent: String, text: String, callID: String) throws -> String {
        let body = JSONValue.object([("model", .string("any")), ("messages", .array([.object([("role", .string("user")), ("content", .string(text))])]))])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS", "-D", "-", "-o", "/dev/null", "-H", "Content-Type: application/json", "-H", "Masker-Session-Id: \(callID)",
                             "--data-binary", body.serialized(), "\(server.url)/proxy/\(agent)/v1/chat/completions"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let headers = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("masker-session-id:") }) else {
            throw TestFailure("no session header in: \(headers)")
        }
        return line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
    }

    @Test func bootstrapThenManageAgentsAndFollowSessions() throws {
        let server = try ServeProcess()
        defer { _ = server.stop() }

        let issued = try server.masker(["admin", "token"])
        #expect(issued.code == 0, "\(issued.all)")
        let token = try #require(issued.stdout.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("mk_"))

        // Users: passwords only from stdin or the environment, long enough, names unique.
        #expect(try server.masker(["users", "create", "alice", "--password-stdin"], stdin: Self.password + "\n").code == 0)
        let duplicate = try server.masker(["users", "create", "alice", "--password-stdin"], stdin: Self.password + "\n")
        #expect(duplicate.code == 1)
        #expect(duplicate.stderr.contains("already exists"))
        let short = try server.masker(["users", "create", "bob", "--password-stdin"], stdin: "short\n")
        #expect(short.code == 64)
        #expect(!short.all.contains("short\n"))
        #expect(try server.masker(["users", "list"]).stdout.contains("alice"))

        // Agents.
        let created = try server.masker(["agents", "create", "front-desk", "--upstream", "stub", "--json"], token: token)
        #expect(created.code == 0, "\(created.all)")
        let agent = try JSONParser.parse(Array(created.stdout.utf8))
        let agentID = try #require(agent["id"]?.stringValue)
        #expect(agent["proxy_url"]?.stringValue?.hasSuffix("/proxy/\(agentID)/v1") == true)
        let listed = try server.masker(["agents", "list"], token: token)
        #expect(listed.code == 0)
        #expect(listed.stdout.contains(agentID) && listed.stdout.contains("front-desk"))
        #expect(try server.masker(["agents", "show", agentID], token: token).stdout.contains("upstream: stub"))
        let taken = try server.masker(["agents", "create", "front-desk", "--upstream", "stub"], token: token)
        #expect(taken.code == 1)
        #expect(taken.stderr.contains("name_taken"))
        let renamed = try server.masker(["agents", "update", agentID, "--name", "front-office", "--tokenization", "reversible-aead", "--json"], token: token)
        #expect(renamed.code == 0, "\(renamed.all)")
        let updated = try JSONParser.parse(Array(renamed.stdout.utf8))
        #expect(updated["name"]?.stringValue == "front-office" && updated["tokenization"]?.stringValue == "reversible-aead")
        #expect(updated["proxy_url"] == agent["proxy_url"])
        #expect(try server.masker(["agents", "update", agentID], token: token).code == 64) // nothing to change

        let policy = try ScratchDirectory()
        let badPolicy = policy.url.appendingPathComponent("bad.yaml")
        try "version: 1\nname: p\nentities:\n  SSN: {action: shred}\n".write(to: badPolicy, atomically: true, encoding: .utf8)
        let invalid = try server.masker(["agents", "create", "x", "--upstream", "stub", "--policy-file", badPolicy.path], token: token)
        #expect(invalid.code == 3, "\(invalid.all)")
        #expect(invalid.stderr.contains("policy_invalid"))

        // Sessions: one call of two turns, then list, show and tail.
        let phone = "my number is 415-555-2671"
        let sessionID = try proxyTurn(server, agent: agentID, text: phone, callID: "call-1")
        #expect(try proxyTurn(server, agent: agentID, text: "and my ssn is 536-22-1234", callID: "call-1") == sessionID)
        let sessions = try server.masker(["sessions", "list"], token: token)
        #expect(sessions.code == 0)
        #expect(sessions.stdout.contains(sessionID) && sessions.stdout.contains("2 turns"))
        let shown = try server.masker(["sessions", "show", sessionID, "--json"], token: token)
        let session = try JSONParser.parse(Array(shown.stdout.utf8))
        #expect(session["turns"]?.intValue == 2)
        #expect(session["redactions"]?["PHONE"]?.intValue == 1)
        // tail prints what exists, then each change: a third turn of the call, sent once tail has
        // shown the first two, shows up while it runs.
        let tail = try TailProcess(server, token: token)
        #expect(tail.waitFor("2 turns", seconds: 20), "\(tail.output)")
        #expect(try proxyTurn(server, agent: agentID, text: "thanks", callID: "call-1") == sessionID)
        #expect(tail.waitFor("3 turns", seconds: 20), "\(tail.output)")
        #expect(tail.stop(), "tail ended by itself: \(tail.output)")
        for output in [sessions.all, shown.all, tail.output, server.log] {
            #expect(!output.contains("415-555-2671") && !output.contains("536-22-1234"))
        }

        // Tokens: a second one, listed by id only, then revoked.
        let second = try server.masker(["tokens", "create"], token: token)
        #expect(second.code == 0)
        let secondToken = try #require(second.stdout.split(separator: "\n").last.map(String.init))
        #expect(try server.masker(["agents", "list"], token: secondToken).code == 0)
        let tokens = try server.masker(["tokens", "list", "--json"], token: token)
        #expect(!tokens.stdout.contains(secondToken))
        guard case let .array(rows) = try JSONParser.parse(Array(tokens.stdout.utf8)) else { throw TestFailure("no token list") }
        #expect(rows.count == 2)
        let secondID = try #require(rows.compactMap { $0["id"]?.stringValue }.first { second.stderr.contains($0) })
        #expect(try server.masker(["tokens", "revoke", secondID], token: token).code == 0)
        #expect(try server.masker(["agents", "list"], token: secondToken).code == 4)

        #expect(try server.masker(["agents", "delete", agentID], token: token).code == 0)
        #expect(try server.masker(["agents", "show", agentID], token: token).code == 1)
        #expect(!server.log.contains(token) && !server.log.contains(Self.password))
        #expect(server.stop() == 0)
    }

    @Test func authAndReachabilityFailuresHaveTheirOwnExitCodes() throws {
        let server = try ServeProcess()
        defer { _ = server.stop() }
        let missing = try server.masker(["agents", "list"])
        #expect(missing.code == 4)
        #expect(missing.stderr.contains("MASKER_API_TOKEN"))
        let refused = try server.masker(["agents", "list"], token: "mk_not_a_real_token")
        #expect(refused.code == 4)
        #expect(refused.stderr.contains("unauthorized"))
        #expect(!refused.all.contains("mk_not_a_real_token"))

        let gone = try server.masker(["sessions", "list"], token: "mk_x", environment: ["MASKER_SERVER": "http://127.0.0.1:1"])
        #expect(gone.code == 5)
        #expect(gone.stderr.contains("cannot reach"))
        let badURL = try server.masker(["agents", "list", "--server", "ftp://x"], token: "mk_x")
        #expect(badURL.code == 64)
    }
}

/// `masker sessions tail` running in the background, its output readable as it comes.
final class TailProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var text = ""

    init(_ server: ServeProcess, token: String) throws {
        process.executableURL = MaskerProcess.binDirectory.appendingPathComponent("masker")
        process.arguments = ["sessions", "tail", "--interval", "0.1", "--for", "60"]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": server.dataDirectory.url.path, "MASKER_SERVER": server.url,
                               "MASKER_API_TOKEN": token]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.text += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var output: String { lock.withLock { text } }

    func waitFor(_ needle: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(needle) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Interrupts tail (it runs until interrupted); returns whether it was still running.
    func stop() -> Bool {
        let running = process.isRunning
        process.terminate()
        process.waitUntilExit()
        return running
    }
}
