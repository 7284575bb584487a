import Crypto
import Foundation
import MaskerCore
import MaskerServer
import MaskerStore
import Testing

/// A session's page: each turn with its timings and spans; its four panels (original with spans
/// highlighted, masked, the model's answer, restored) only when the policy kept payloads, opened
/// for the session's own account; otherwise no text at all, and a page that says why.
@Suite(.serialized)
struct PortalSessionTests {
    typealias Browser = PortalTests.Browser
    static let phone = "415-555-2671"

    /// An agent whose own policy keeps payloads (or not), one turn through it, and the session id.
    static func call(_ server: TestServer, token: String, keepPayloads: Bool, stream: Bool = false) async throws -> (agent: String, session: String) {
        var policy = Policy.healthcareDefault
        policy.audit.logPayloads = keepPayloads
        let agent = try await server.createAgent(.object([("name", .string(keepPayloads ? "kept" : "plain")), ("upstream", .string("stub")),
                                                          ("policy_yaml", .string(policy.yamlText))]), token: token)
        let request = JSONValue.object([("model", .string("m")), ("stream", .bool(stream)), ("messages", .array([
            .object([("role", .string("system")), ("content", .string("You are the front desk."))]),
            .object([("role", .string("user")), ("content", .string("my number is \(phone), my name is Sarah Chen"))]),
        ]))])
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: request, headers: ["Masker-Session-Id": "call-7"])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.text.contains(phone), "the caller hears the number back")
        return (agent, try #require(reply.headers["masker-session-id"]))
    }

    /// Waits for the recorder's background write of the turn's own row.
    static func turns(_ server: TestServer, _ session: String, account: String) async throws -> [ProxyTurn] {
        let owner = try await server.store.account(named: account)
        for _ in 0..<100 {
            let turns = try await server.store.turns(sessionID: session, accountID: owner.id, limit: 10)
            if !turns.isEmpty { return turns }
            try await Task.sleep(for: .milliseconds(50))
        }
        return []
    }

    @Test func withPayloadsKeptTheFourPanelsShowWhatWasSaidMaskedAnsweredAndRestored() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: PortalTests.password, account: "clinic-a")
        try await server.createUser("bob", password: PortalTests.password, account: "clinic-b")
        let token = try await server.token(account: "clinic-a")
        let (_, session) = try await Self.call(server, token: token, keepPayloads: true)
        let turns = try await Self.turns(server, session, account: "clinic-a")
        #expect(turns.count == 1)
        let sealed = try #require(turns.first?.sealed)
        #expect(!String(decoding: sealed, as: UTF8.self).contains(Self.phone), "the kept text is sealed")
        #expect(Set(turns[0].spans.map(\.kind)).isSuperset(of: ["PHONE", "NAME"]))

        var alice = Browser()
        _ = try await PortalTests.logIn(&alice, server, "alice")
        let page = try await alice.go(.GET, server.base + "/sessions/\(session)")
        #expect(page.status == 200)
        #expect(page.text.contains("<mark class=\"k-PHONE\" title=\"PHONE · regex"), "the original with the phone highlighted")
        #expect(page.text.contains(">\(Self.phone)<span class=\"tag\">PHONE</span></mark>"))
        #expect(page.text.contains("Masked <small>what the model saw</small>") && page.text.contains("MSKV1.PHONE."), "the masked text")
        #expect(page.text.contains("You said: my number is MSKV1.PHONE."), "the model's answer, with its tokens")
        #expect(page.text.contains("You said: my number is \(Self.phone)"), "the restored answer")
        #expect(page.text.contains("You are the front desk."), "the system message is among the turn's texts")
        #expect(page.text.contains("Turn 1") && page.text.contains("detect ") && page.text.contains("upstream "))

        let api = try await server.call(.GET, "/api/v1/sessions/\(session)/turns", token: token)
        #expect(api.status == 200 && api.text.contains("\"text_kept\":true"), "\(api.text)")
        #expect(api.text.contains("\"kind\":\"PHONE\"") && !api.text.contains(Self.phone), "the API gives spans, never text")
        #expect(try await server.call(.GET, "/api/v1/sessions/\(session)/turns", token: try await server.token(account: "clinic-b")).status == 404)

        var bob = Browser()
        _ = try await PortalTests.logIn(&bob, server, "bob")
        let theirs = try await bob.go(.GET, server.base + "/sessions/\(session)")
        #expect(theirs.status == 404 && !theirs.text.contains(Self.phone))
        try await alice.shutdown()
        try await bob.shutdown()
        try await server.stop()
    }

    @Test func withoutPayloadsThePageShowsSpansAndCountsAndSaysWhyThereIsNoText() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: PortalTests.password)
        let token = try await server.token()
        let (_, session) = try await Self.call(server, token: token, keepPayloads: false)
        let turns = try await Self.turns(server, session, account: "admin")
        #expect(turns.first?.sealed == nil && turns.first?.restored ?? 0 >= 2)

        var alice = Browser()
        _ = try await PortalTests.logIn(&alice, server, "alice")
        let page = try await alice.go(.GET, server.base + "/sessions/\(session)")
        #expect(page.status == 200)
        #expect(!page.text.contains(Self.phone) && !page.text.contains("Sarah") && !page.text.contains("front desk."), "no text of the call")
        #expect(page.text.contains("audit.log_payloads: true"), "it says why the panels are empty")
        #expect(page.text.contains("<td>PHONE</td>") && page.text.contains("<td>NAME</td>"), "the spans by kind")
        try await alice.shutdown()
        try await server.stop()
    }

    @Test func aStreamedTurnKeepsItsAnswerAsItCameAndAsItWasRestored() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: PortalTests.password)
        let token = try await server.token()
        let (_, session) = try await Self.call(server, token: token, keepPayloads: true, stream: true)
        let turns = try await Self.turns(server, session, account: "admin")
        #expect(turns.first?.stageMillis["stream"] != nil && turns.first?.status == "ok")

        var alice = Browser()
        _ = try await PortalTests.logIn(&alice, server, "alice")
        let page = try await alice.go(.GET, server.base + "/sessions/\(session)")
        #expect(page.text.contains("You said: my number is \(Self.phone)"), "the restored answer, joined from its chunks")
        #expect(page.text.contains("You said: my number is MSKV1.PHONE."), "the answer as the model streamed it")
        try await alice.shutdown()
        try await server.stop()
    }

    @Test func aSealedTurnOpensOnlyForItsOwnAccountSessionAndTurn() throws {
        let key = RecordSeal.key(fromAuditKey: .init(size: .bits256))
        let payload = TurnPayload(texts: [.init(field: "messages[1]#0", role: "user", original: "ssn 536-22-1234", masked: "ssn [SSN_1]")],
                                  answer: "ok [SSN_1]", restored: "ok 536-22-1234")
        let sealed = try payload.seal(key: key, accountID: "acct_a", sessionID: "sess_1", turnID: "turn_1")
        #expect(TurnPayload.open(sealed, key: key, accountID: "acct_a", sessionID: "sess_1", turnID: "turn_1") == payload)
        #expect(TurnPayload.open(sealed, key: key, accountID: "acct_b", sessionID: "sess_1", turnID: "turn_1") == nil)
        #expect(TurnPayload.open(sealed, key: key, accountID: "acct_a", sessionID: "sess_2", turnID: "turn_1") == nil)
        #expect(TurnPayload.open(sealed, key: key, accountID: "acct_a", sessionID: "sess_1", turnID: "turn_2") == nil)
        #expect(TurnPayload.open(sealed, key: RecordSeal.key(fromAuditKey: .init(size: .bits256)), accountID: "acct_a", sessionID: "sess_1",
                                 turnID: "turn_1") == nil)
        var tampered = sealed
        tampered[tampered.count / 2] ^= 1
        #expect(TurnPayload.open(tampered, key: key, accountID: "acct_a", sessionID: "sess_1", turnID: "turn_1") == nil)
    }
}
