import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// A value found in one message of a call is masked in every other message that says it: the
/// agent's line reading it back (lowercase in cased text, where the tagger scores it lower), and
/// an earlier message already on the call's record, which is read again.
@Suite(.serialized)
struct RepeatedValuesProxyTests {
    static func message(_ role: String, _ content: String) -> JSONValue {
        .object([("role", .string(role)), ("content", .string(content))])
    }

    @Test func aValueSaidOnceIsMaskedInEveryMessageThatRepeatsIt() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let messages: [JSONValue] = [
            Self.message("user", "hi um this is priya reyes and my member id is zx4471"),
            Self.message("assistant", "You said: hi um this is priya reyes. Thanks Priya, ZX4471 got it."),
            Self.message("user", "yes"),
        ]
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]))
        #expect(reply.status == 200, "\(reply.text)")
        let sent = upstream.receivedText.lowercased()
        for value in ["priya", "reyes", "zx4471"] { #expect(!sent.contains(value), "\(value) reached the model: \(sent)") }
        try await server.stop()
        await upstream.stop()
    }

    /// The agent's question is context for the caller's bare answer (`AskedValues`), in the same
    /// turn and on the next one, where the question is already on the call's record.
    @Test func aBareAnswerIsReadWithTheQuestionItAnswers() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        var messages: [JSONValue] = [
            Self.message("user", "hi I need to check my coverage"),
            Self.message("assistant", "Sure. Can you confirm your member id?"),
            Self.message("user", "Yes, it is W987654321."),
        ]
        let first = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]),
                                          headers: ["Masker-Session-Id": "call-asked"])
        #expect(first.status == 200, "\(first.text)")
        messages += [Self.message("assistant", "Thanks. And the policy number?"), Self.message("user", "sure it's AB 445 221 90")]
        let second = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]),
                                           headers: ["Masker-Session-Id": "call-asked"])
        #expect(second.status == 200, "\(second.text)")
        let sent = upstream.receivedText
        for value in ["W987654321", "AB 445 221 90", "445 221"] { #expect(!sent.contains(value), "\(value) reached the model: \(sent)") }
        #expect(sent.contains("Can you confirm your member id?") && sent.contains("coverage")) // the agent's lines go as they were
        try await server.stop()
        await upstream.stop()
    }

    @Test func anEarlierMessageOnTheRecordIsReadAgainWhenALaterOneRevealsAValueInIt() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let first = Self.message("user", "zx4471 got it")
        let turns: [[JSONValue]] = [[first], [first, Self.message("assistant", "ok"), Self.message("user", "my member id is zx4471")]]
        for turn in turns {
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(turn))]),
                                              headers: ["Masker-Session-Id": "call-repeat"])
            #expect(reply.status == 200, "\(reply.text)")
        }
        // The first turn alone had nothing to find; the second masks it in both messages.
        let last = upstream.received.withLock { String(decoding: $0.last ?? [], as: UTF8.self) }
        #expect(!last.lowercased().contains("zx4471"), "\(last)")
        try await server.stop()
        await upstream.stop()
    }
}
