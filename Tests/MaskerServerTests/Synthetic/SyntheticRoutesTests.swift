import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// Synthetic mode over HTTP: `/api/v1/synthesize` and an agent whose tokenization is synthetic.
@Suite(.serialized)
struct SyntheticRoutesTests {
    let text = "Hi, this is Sarah Chen at 415-555-2671, date of birth april twelfth nineteen ninety."

    @Test func synthesizeIsReproducibleWithASeedAndRefersToNobody() async throws {
        let server = try await TestServer()
        let token = try await server.token()
        func call(_ body: JSONValue) async throws -> TestServer.Reply {
            try await server.call(.POST, "/api/v1/synthesize", json: body, token: token)
        }
        let seeded = JSONValue.object([("text", .string(text)), ("policy", .string("healthcare-default")), ("seed", .int(12345))])
        let first = try await call(seeded), again = try await call(seeded)
        #expect(first.status == 200, "\(first.text)")
        let output = try #require(first.json["text"]?.stringValue)
        #expect(again.json["text"]?.stringValue == output)
        #expect(!output.contains("Sarah") && !output.contains("Chen") && !output.contains("2671") && !output.contains("MSKV1."))
        #expect(output.contains("-555-01"))
        // Events carry kinds and both spans, never the original or the surrogate.
        guard case let .array(events)? = first.json["events"] else { Issue.record("no events"); return }
        #expect(events.count == 3)
        let scalars = Array(output.unicodeScalars)
        for event in events {
            guard case let .array(span)? = event["output_span"], span.count == 2, let start = span[0].intValue, let end = span[1].intValue else { continue }
            #expect(start < end && end <= scalars.count)
            #expect(event["text"] == nil)
        }
        // A hex string seed is the same seed; another seed, another answer.
        let hex = try await call(.object([("text", .string(text)), ("seed", .string("0x3039"))]))
        #expect(hex.json["text"]?.stringValue == output)
        let other = try await call(.object([("text", .string(text)), ("seed", .int(54321))]))
        #expect(other.json["text"]?.stringValue != output)
        // Bad input: named, not a crash.
        #expect(try await call(.object([("text", .string(text)), ("seed", .string("soon"))])).json["error"]?["code"] == .string("invalid_seed"))
        #expect(try await call(.object([("text", .string(text)), ("policy", .string("nope"))])).status == 422)
        #expect(try await server.call(.POST, "/api/v1/synthesize", json: seeded).status == 401)
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        // The number whole: four digits alone turn up by chance in the log's hex HMACs and ids.
        #expect(log.contains("\"token_kind\":\"synthetic\"") && !log.contains("Sarah") && !log.contains("555-2671"))
        try await server.stop()
    }

    @Test func aSyntheticAgentSendsSurrogatesUpstreamConsistentlyAcrossTurns() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("replay")), ("upstream", .string("openai:fake-model")),
                                                          ("tokenization", .string("synthetic"))]), token: token)
        var answers: [String] = []
        for turn in ["this is Sarah Chen calling", "yes, Sarah, my number is 415-555-2671"] {
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions",
                                              json: .object([("messages", .array([.object([("role", .string("user")), ("content", .string(turn))])]))]),
                                              headers: ["Masker-Session-Id": "call-7"])
            #expect(reply.status == 200, "\(reply.text)")
            answers.append(reply.json["choices"]?[0]?["message"]?["content"]?.stringValue ?? "")
        }
        let seen = upstream.receivedText
        #expect(!seen.contains("Sarah") && !seen.contains("Chen") && !seen.contains("2671") && !seen.contains("MSKV1."))
        // The answer keeps the surrogates (there is no way back), and the first name agrees across turns.
        let surrogateFirst = try #require(answers[0].split(separator: " ").dropFirst(4).first)
        #expect(answers[1].contains("yes, \(surrogateFirst),"))
        #expect(!answers.joined().contains("Sarah"))
        try await server.stop()
        await upstream.stop()
    }
}
