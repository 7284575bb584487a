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

    /// A server whose agent forwards to a recording stand-in model; `body` gets a `send` that
    /// proxies one chat turn (its messages, in the call named, if any) and expects it answered.
    static func withDesk(_ body: (_ send: ([JSONValue], String?) async throws -> Void, _ upstream: FakeUpstream) async throws -> Void) async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        try await body({ messages, call in
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]),
                                              headers: call.map { ["Masker-Session-Id": $0] } ?? [:])
            #expect(reply.status == 200, "\(reply.text)")
        }, upstream)
        try await server.stop()
        await upstream.stop()
    }

    @Test func aValueSaidOnceIsMaskedInEveryMessageThatRepeatsIt() async throws {
        try await Self.withDesk { send, upstream in
            try await send([
                Self.message("user", "hi um this is priya reyes and my member id is zx4471"),
                Self.message("assistant", "You said: hi um this is priya reyes. Thanks Priya, ZX4471 got it."),
                Self.message("user", "yes"),
            ], nil)
            let sent = upstream.receivedText.lowercased()
            for value in ["priya", "reyes", "zx4471"] { #expect(!sent.contains(value), "\(value) reached the model: \(sent)") }
        }
    }

    /// The agent's question is context for the caller's bare answer (`AskedValues`), in the same
    /// turn and on the next one, where the question is already on the call's record.
    @Test func aBareAnswerIsReadWithTheQuestionItAnswers() async throws {
        try await Self.withDesk { send, upstream in
            var messages: [JSONValue] = [
                Self.message("user", "hi I need to check my coverage"),
                Self.message("assistant", "Sure. Can you confirm your member id?"),
                Self.message("user", "Yes, it is W987654321."),
            ]
            try await send(messages, "call-asked")
            messages += [Self.message("assistant", "Thanks. And the policy number?"), Self.message("user", "sure it's AB 445 221 90")]
            try await send(messages, "call-asked")
            let sent = upstream.receivedText
            for value in ["W987654321", "AB 445 221 90", "445 221"] { #expect(!sent.contains(value), "\(value) reached the model: \(sent)") }
            #expect(sent.contains("Can you confirm your member id?") && sent.contains("coverage")) // the agent's lines go as they were
        }
    }

    @Test func anEarlierMessageOnTheRecordIsReadAgainWhenALaterOneRevealsAValueInIt() async throws {
        try await Self.withDesk { send, upstream in
            let first = Self.message("user", "zx4471 got it")
            try await send([first], "call-repeat")
            try await send([first, Self.message("assistant", "ok"), Self.message("user", "my member id is zx4471")], "call-repeat")
            // The first turn alone had nothing to find; the second masks it in both messages.
            let last = upstream.received.withLock { String(decoding: $0.last ?? [], as: UTF8.self) }
            #expect(!last.lowercased().contains("zx4471"), "\(last)")
        }
    }
}
