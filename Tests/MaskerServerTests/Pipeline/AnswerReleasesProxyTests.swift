import Foundation
import MaskerCore
import MaskerTestSupport
import Testing

/// A value an answer releases is put on the audit log once per answer, however often the answer
/// delivers it: a Responses stream repeats each text whole (`.done`, `response.completed`), and a
/// model may say a token twice.
@Suite(.serialized)
struct AnswerReleasesProxyTests {
    static let phone = TrustBoundaryTests.phone

    /// The number of rehydration records for `template` answered to a turn saying the phone number.
    static func rehydrations(route: String, stream: Bool, template: String) async throws -> (count: Int, reply: String) {
        let upstream = try await FakeUpstream(mode: .script { body in
            let token = TrustBoundaryTests.firstToken(body)
            let half = token.utf8.count / 2
            let filled = template.replacingOccurrences(of: "TOKEN", with: token)
                .replacingOccurrences(of: "\"TOK\"", with: "\"\(String(decoding: Array(token.utf8)[..<half], as: UTF8.self))\"")
                .replacingOccurrences(of: "\"EN\"", with: "\"\(String(decoding: Array(token.utf8)[half...], as: UTF8.self))\"")
            return (stream ? "text/event-stream" : "application/json", filled)
        })
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let said: JSONValue = .string("my number is \(phone)")
        let request: JSONValue = route == "responses"
            ? .object([("model", .string("fake-model")), ("input", said), ("stream", .bool(stream))])
            : .object([("model", .string("fake-model")), ("messages", .array([.object([("role", .string("user")), ("content", said)])])), ("stream", .bool(stream))])
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/\(route)", json: request)
        #expect(reply.status == 200, "\(reply.text)")
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        let count = log.split(separator: "\n").filter { $0.contains(#""kind":"rehydration""#) }.count
        #expect((try await server.call(.POST, "/api/v1/audit/verify", token: token)).json["holds"] == .bool(true))
        try await server.stop()
        await upstream.stop()
        return (count, reply.text)
    }

    @Test func aResponsesStreamRecordsItsValueOnceThoughItDeliversItFourTimes() async throws {
        let template = ResponsesTrustBoundaryTests.split("response.output_text", "text")
        let (count, reply) = try await Self.rehydrations(route: "responses", stream: true, template: template)
        #expect(reply.components(separatedBy: Self.phone).count - 1 == 3, "\(reply)") // deltas, .done, completed
        #expect(count == 1)
    }

    @Test func aWholeAnswerSayingATokenTwiceRecordsItOnce() async throws {
        let template = #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"TOKEN, yes, TOKEN"},"finish_reason":"stop"}]}"#
        let (count, reply) = try await Self.rehydrations(route: "chat/completions", stream: false, template: template)
        #expect(reply.contains("\(Self.phone), yes, \(Self.phone)"), "\(reply)")
        #expect(count == 1)
    }
}
