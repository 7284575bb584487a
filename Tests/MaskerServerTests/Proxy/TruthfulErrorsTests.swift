import Foundation
import Glibc
import MaskerCore
import Testing

@testable import MaskerServer

/// Every failure names what failed and what had already happened (issue 38).
struct TruthfulErrorsTests {
    static let turn = JSONValue.object([("messages", .array([
        .object([("role", .string("user")), ("content", .string("ssn 536-22-1234, call me at 415-555-2671"))]),
    ]))])

    /// The vault's write failed after the tokens went to the model: the message says they did, and
    /// that the answer was withheld; `/health` names the failed write until a write works again.
    @Test func aFailedVaultWriteSaysTheModelHadTheTokensAndHealthSaysWhy() async throws {
        let upstream = try await FakeUpstream()
        let vault = ScriptedVault(failsFirstWrites: 2)
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, vault: vault)
        let agent = try await server.createAgent(.object([("name", .string("v")), ("upstream", .string("openai:m"))]), token: try await server.token())
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: Self.turn)
        #expect(reply.status == 503)
        let message = try #require(reply.json["error"]?["message"]?.stringValue)
        #expect(message.contains("had already reached the model") && message.contains("withheld"))
        #expect(message.contains("the disk is full"))
        #expect(!message.contains("was not processed"))

        // The second scripted failure is /health's own write probe: still down, and it says why.
        let down = try await server.call(.GET, "/health")
        #expect(down.status == 503)
        let detail = down.json["components"]?["vault"]?["detail"]?.stringValue ?? ""
        #expect(down.json["components"]?["vault"]?["status"]?.stringValue == "down")
        #expect(detail.contains("the last write failed at") && detail.contains("database or disk is full"))
        // Writes work again: the probe's write clears it, with no turn needed.
        let up = try await server.call(.GET, "/health")
        #expect(up.status == 200 && up.json["components"]?["vault"]?["status"]?.stringValue == "ok")
        try await server.stop()
        await upstream.stop()
    }

    /// An audit log that cannot append: the same truth, never "was not processed" for a turn
    /// whose tokens were sent; `/health` reports the log down.
    @Test func aFailedAuditAppendSaysWhatHadHappened() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, auditLogFails: true)
        let agent = try await server.createAgent(.object([("name", .string("a")), ("upstream", .string("openai:m"))]), token: try await server.token())
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: Self.turn)
        #expect(reply.status == 503 && reply.json["error"]?["code"]?.stringValue == "audit_unavailable")
        let message = reply.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("had already reached the model") && message.contains("the disk is full"))
        let health = try await server.call(.GET, "/health")
        #expect(health.status == 503 && health.json["components"]?["audit_log"]?["status"]?.stringValue == "down")
        try await server.stop()
        await upstream.stop()
    }

    /// An upstream that closes its stream without `[DONE]` (a plain close, not a reset) gets the
    /// same in-band error event a broken connection gets.
    @Test func aStreamClosedWithoutDoneEndsWithAnInBandError() async throws {
        let chunk = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#
        let upstream = try await FakeUpstream(mode: .script { _ in ("text/event-stream", "data: \(chunk)\n\n") })
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL })
        let agent = try await server.createAgent(.object([("name", .string("s")), ("upstream", .string("openai:m"))]), token: try await server.token())
        var body = Self.turn
        if case var .object(fields) = body { fields.append(("stream", .bool(true))); body = .object(fields) }
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: body)
        #expect(reply.status == 200)
        #expect(reply.text.contains("Hel"))
        #expect(reply.text.contains("\"code\":\"upstream_error\"") && reply.text.contains("without [DONE]"))
        #expect(!reply.text.contains("data: [DONE]"))
        try await server.stop()
        await upstream.stop()
    }

    /// Requests the HTTP parser rejects get the JSON error envelope, not an empty 400.
    @Test(arguments: [
        "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ])
    func parserRejectionsAnswerInTheJSONErrorShape(_ request: String) async throws {
        let server = try await TestServer()
        let answer = try RawSocket.exchange(port: server.port, Array(request.utf8))
        #expect(answer.hasPrefix("HTTP/1.1 400"))
        #expect(answer.lowercased().contains("content-type: application/json"))
        let body = try #require(answer.components(separatedBy: "\r\n\r\n").last)
        let json = try JSONParser.parse(Array(body.utf8))
        #expect(json["error"]?["code"]?.stringValue == "invalid_http")
        #expect(json["error"]?["message"]?.stringValue?.contains("not valid HTTP/1.1") == true)
        try await server.stop()
    }

    /// A turn whose detection runs past its deadline is refused, nothing is forwarded, and the
    /// audit log has the `detection_fallback` event that says so.
    @Test func aTurnPastItsDetectionDeadlineIsRefusedAndRecorded() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: {
            $0.openAIBaseURL = upstream.baseURL
            $0.detectionTimeout = .milliseconds(1)
        })
        // Hundreds of instructions per pattern, over 200 KB: far more than 1 ms + 200 ms of work.
        let alternatives = (0..<60).map { "x\($0)y" }.joined(separator: "|")
        let yaml = """
            name: slow
            version: 1
            kid: K_HEALTHCARE
            tokenization: reversible-aead
            passes: [regex]
            entities:
              MRN:
                patterns: ['(\(alternatives))+z', '(a|b|c|d|e|f|g|h)+q(\(alternatives))']
            """
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("slow")), ("upstream", .string("openai:m")),
                                                          ("policy_yaml", .string(yaml))]), token: token)
        let text = String(repeating: "abcdefgh x1y x2y ", count: 12_000) + " ssn 536-22-1234"
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array([
            .object([("role", .string("user")), ("content", .string(text))]),
        ]))]))
        #expect(reply.status == 503 && reply.json["error"]?["code"]?.stringValue == "detection_timeout")
        #expect(reply.json["error"]?["message"]?.stringValue?.contains("nothing was sent") == true)
        #expect(upstream.received.withLock { $0.isEmpty })
        let audit = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        #expect(audit.contains("detection_fallback") && audit.contains("the turn was refused"))
        #expect(!audit.contains("536-22-1234"))
        try await server.stop()
        await upstream.stop()
    }
}

/// One request written on a plain socket and everything read back until the server closes: the
/// HTTP client cannot send what the parser must reject.
enum RawSocket {
    struct Failure: Error { var step: String }

    static func exchange(port: Int, _ bytes: [UInt8]) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(step: "socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(step: "connect") }
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { throw Failure(step: "send") }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
