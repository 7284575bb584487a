import Foundation
import MaskerCore
import Testing

@testable import MaskerServer

/// A voice platform sends a call's whole conversation on every turn: what was on the record
/// stays there once, and only what a turn adds is recorded.
@Suite struct CallHistoryTests {
    /// Redaction events in the audit log for one session, with their `detail.field`.
    private func redactions(in server: TestServer, session: String) throws -> [(kind: String, field: String?)] {
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        return log.split(separator: "\n").compactMap { line -> (String, String?)? in
            let record = (try? JSONParser.parse(Array(line.utf8))) ?? .null
            guard record["kind"]?.stringValue == "redaction", record["session_id"]?.stringValue == session else { return nil }
            return (record["entity_kind"]?.stringValue ?? "", record["detail"]?["field"]?.stringValue)
        }
    }

    private func message(_ role: String, _ content: String) -> JSONValue {
        .object([("role", .string(role)), ("content", .string(content))])
    }

    private func turn(_ server: TestServer, agent: String, _ messages: [JSONValue], session: String) async throws -> TestServer.Reply {
        try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]),
                              headers: ["Masker-Session-Id": session])
    }

    @Test func aCallsEarlierMessagesAreRecordedOnceNotOnEveryTurn() async throws {
        let upstream = try await FakeUpstream()
        let vault = ScriptedVault()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, vault: vault)
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("h")), ("upstream", .string("openai:m"))]), token: token)
        let ssns = ["536-22-1234", "536-22-1235", "536-22-1236", "536-22-1237", "536-22-1238"]
        var conversation: [JSONValue] = [message("system", "You are a clinic's scheduling assistant.")]
        for ssn in ssns {
            conversation.append(message("user", "my ssn is \(ssn)"))
            let reply = try await turn(server, agent: agent, conversation, session: "call-history")
            #expect(reply.status == 200)
            #expect(reply.json["choices"]?[0]?["message"]?["content"]?.stringValue == "You said: my ssn is \(ssn)")
            conversation.append(message("assistant", "Thank you. Anything else?"))
        }
        // One event per SSN, not 1 + 2 + 3 + 4 + 5: each at the place of the message it came in.
        let events = try redactions(in: server, session: "call-history")
        #expect(events.count == ssns.count)
        #expect(events.map(\.field) == ["messages[1]#0", "messages[3]#0", "messages[5]#0", "messages[7]#0", "messages[9]#0"])
        // Each turn stored only its own new token.
        #expect(vault.writes.withLock { $0.map(\.count) } == [1, 1, 1, 1, 1])
        let sessions = try await server.call(.GET, "/api/v1/sessions?agent_id=\(agent)", token: token)
        #expect(sessions.json["data"]?[0]?["turns"]?.intValue == ssns.count)
        #expect(sessions.json["data"]?[0]?["redactions"]?["SSN"]?.intValue == ssns.count)
        // What the model saw is still the whole conversation, masked: no SSN, every turn.
        #expect(upstream.received.withLock { $0.count } == ssns.count)
        for ssn in ssns { #expect(!upstream.receivedText.contains(ssn)) }
        try await server.stop()
        await upstream.stop()
    }

    /// An earlier message goes to the model as it went the first time, tokens and all, even
    /// under `reversible-aead`, whose every minting of a value gives a new token: it is masked
    /// again from what was recorded, not detected and minted again. (The model's provider can
    /// then also reuse its cache of the conversation's unchanged start.)
    @Test func anEarlierMessageIsMaskedOnEveryTurnExactlyAsItWasTheFirstTime() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL })
        let agent = try await server.createAgent(.object([("name", .string("same")), ("upstream", .string("openai:m")),
                                                          ("tokenization", .string("reversible-aead"))]), token: try await server.token())
        var conversation: [JSONValue] = [message("user", "this is Sarah Chen, my ssn is 536-22-1234 and my email is sarah.chen@example.com")]
        for said in ["and my number is 415-555-2671", "my date of birth is March 3, 1981"] {
            let reply = try await turn(server, agent: agent, conversation, session: "call-same")
            #expect(reply.status == 200)
            conversation.append(message("assistant", reply.json["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""))
            conversation.append(message("user", said))
        }
        let last = try await turn(server, agent: agent, conversation, session: "call-same")
        #expect(last.json["choices"]?[0]?["message"]?["content"]?.stringValue == "You said: my date of birth is March 3, 1981")
        let firstMessages = upstream.received.withLock { $0 }.map { body in
            (try? JSONParser.parse(body))?["messages"]?[0]?["content"]?.stringValue ?? ""
        }
        #expect(firstMessages.count == 3)
        #expect(firstMessages[0].contains("MSK1.SSN.") && !firstMessages[0].contains("536-22-1234"))
        #expect(Set(firstMessages).count == 1)
        // The answer to turn 1 came back in turn 2's history holding the caller's values; it is
        // new to the record there, so it was masked too, and stays masked the same way in turn 3.
        let answers = upstream.received.withLock { $0 }.dropFirst().map { body in
            (try? JSONParser.parse(body))?["messages"]?[1]?["content"]?.stringValue ?? ""
        }
        #expect(answers.count == 2 && answers[0] == answers[1] && !answers[0].contains("536-22-1234"))
        try await server.stop()
        await upstream.stop()
    }

    @Test func aRetriedTurnIsNotRecordedAgainButTheSameWordsInANewMessageAre() async throws {
        let server = try await TestServer()
        let agent = try await server.createAgent(.object([("name", .string("r")), ("upstream", .string("stub"))]), token: try await server.token())
        let first = [message("user", "my number is four one five five five five two six seven one")]
        #expect(try await turn(server, agent: agent, first, session: "call-retry").status == 200)
        #expect(try await turn(server, agent: agent, first, session: "call-retry").status == 200)
        #expect(try redactions(in: server, session: "call-retry").count == 1)
        // The caller says it again: a new message, recorded.
        let again = first + [message("assistant", "Sorry, could you repeat that?"), first[0]]
        #expect(try await turn(server, agent: agent, again, session: "call-retry").status == 200)
        #expect(try redactions(in: server, session: "call-retry").map(\.field) == ["messages[0]#0", "messages[2]#0"])
        // Another call with the same words is another record.
        #expect(try await turn(server, agent: agent, first, session: "call-other").status == 200)
        #expect(try redactions(in: server, session: "call-other").count == 1)
        try await server.stop()
    }

    /// A turn that did not become durable left its texts off the record: the retry stores and
    /// records them, and its answer is restored.
    @Test func aTurnThatFailedIsRecordedWhenItIsTriedAgain() async throws {
        let upstream = try await FakeUpstream()
        let vault = ScriptedVault(failsFirstWrites: 1)
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, vault: vault)
        let agent = try await server.createAgent(.object([("name", .string("f")), ("upstream", .string("openai:m"))]), token: try await server.token())
        let messages = [message("user", "my ssn is 536-22-1234")]
        #expect(try await turn(server, agent: agent, messages, session: "call-fail").status == 503)
        let retry = try await turn(server, agent: agent, messages, session: "call-fail")
        #expect(retry.status == 200)
        #expect(retry.json["choices"]?[0]?["message"]?["content"]?.stringValue == "You said: my ssn is 536-22-1234")
        #expect(vault.writes.withLock { $0.map(\.count) } == [1, 1])
        try await server.stop()
        await upstream.stop()
    }

    @Test func aTextIsNewAgainUnderAnotherKeyOrPipeline() {
        let history = CallHistory(capacity: 4)
        let location = RequestWalker.Location(field: "messages", element: 1, ordinal: 0)
        let context = CallHistory.Context(agentID: "agt_1", sessionID: "call", pipeline: 7, tokenization: .vaultDeterministic, kid: "K_A")
        let key = history.key("ssn 536-22-1234", at: location, in: context)
        let none = CallHistory.Recorded.masked(MaskSplices(MaskResult(masked: "", replacements: [])))
        history.markRecorded([(key, none)])
        #expect(history.isRecorded(key))
        var rotated = context
        rotated.kid = "K_B"
        var reloaded = context
        reloaded.pipeline = 8
        var elsewhere = location
        elsewhere.element = 3
        #expect(!history.isRecorded(history.key("ssn 536-22-1234", at: location, in: rotated)))
        #expect(!history.isRecorded(history.key("ssn 536-22-1234", at: location, in: reloaded)))
        #expect(!history.isRecorded(history.key("ssn 536-22-1234", at: elsewhere, in: context)))
        #expect(!history.isRecorded(history.key("ssn 536-22-1235", at: location, in: context)))
        // Bounded: the oldest goes first, and a forgotten text is merely recorded again.
        history.markRecorded((0..<4).map { (history.key("text \($0)", at: location, in: context), none) })
        #expect(!history.isRecorded(key))
        #expect(history.count == 4)
    }

    @Test func locationsNameTheFieldElementAndPlaceButNoContent() throws {
        let request = JSONValue.object([
            ("messages", .array([
                .object([("role", .string("user")), ("content", .array([
                    .object([("type", .string("text")), ("text", .string("a"))]),
                    .object([("type", .string("text")), ("text", .string("b"))]),
                ]))]),
                .object([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([.object([
                    ("function", .object([("name", .string("book")), ("arguments", .string("{\"name\":\"c\",\"dob\":\"d\"}"))])),
                ])]))]),
            ])),
            ("tools", .array([.object([("function", .object([("description", .string("e"))]))])])),
            ("customer", .object([("Sarah Chen", .string("f"))])),
        ])
        let visited = try RequestWalker.texts(request, as: .chatCompletions).map { "\($0.location)=\($0.keyed.value)" }
        // The key "Sarah Chen" is a text of its own (keys are masked unless they name a kind); "name"
        // and "dob" name kinds, so they are keys, not texts.
        #expect(visited == ["messages[0]#0=a", "messages[0]#1=b", "messages[1]#0=c", "messages[1]#1=d", "tools[0]#0=e",
                            "customer#0=Sarah Chen", "customer#1=f"])
    }
}
