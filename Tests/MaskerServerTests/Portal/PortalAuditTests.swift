import Foundation
import MaskerCore
import MaskerServer
import MaskerStore
import Testing

/// The audit page's events table (walled to the account's agents; the server's own records for
/// admins only) and reports: made for a window, an agent or a session, shown, printed and
/// downloaded signed, and "not found" to another account.
@Suite(.serialized)
struct PortalAuditTests {
    typealias Browser = PortalTests.Browser

    /// Two accounts, each with an agent and one call: alice's says a phone number, bob's an SSN.
    static func twoClinics(_ server: TestServer) async throws -> (alice: String, bob: String) {
        try await server.createUser("alice", password: PortalTests.password, account: "clinic-a")
        try await server.createUser("mia", password: PortalTests.password, account: "clinic-a", role: "member")
        try await server.createUser("bob", password: PortalTests.password, account: "clinic-b")
        var agents: [String] = []
        for (account, name, said) in [("clinic-a", "desk", "call me at 415-555-2671"), ("clinic-b", "line", "my ssn is 536-22-1234")] {
            let token = try await server.token(account: account)
            let agent = try await server.createAgent(.object([("name", .string(name)), ("upstream", .string("stub"))]), token: token)
            let request = JSONValue.object([("messages", .array([.object([("role", .string("user")), ("content", .string(said))])]))])
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: request,
                                              headers: ["Masker-Session-Id": "call-\(name)"])
            #expect(reply.status == 200)
            agents.append(agent)
        }
        return (agents[0], agents[1])
    }

    @Test func theEventsTableShowsTheAccountsOwnRecordsFilteredAndTheServersToAdminsOnly() async throws {
        let server = try await TestServer()
        _ = try await Self.twoClinics(server)
        var alice = Browser()
        _ = try await PortalTests.logIn(&alice, server, "alice")
        let reload = try await alice.go(.GET, server.base + "/policy")
        _ = try await alice.go(.POST, server.base + "/policy/reload", form: [("csrf_token", reload.csrf ?? "")])

        let page = try await alice.go(.GET, server.base + "/audit")
        #expect(page.status == 200)
        #expect(page.text.contains("<td>PHONE</td>") && page.text.contains("<td>desk</td>") && page.text.contains("call-desk"))
        #expect(!page.text.contains("<td>SSN</td>") && !page.text.contains("call-line"), "another account's records")
        #expect(page.text.contains("<td>policy_reloaded</td>"), "an admin sees the server's own records")
        #expect(!page.text.contains("415-555-2671"))
        let filtered = try await alice.go(.GET, server.base + "/audit?kind=policy_reloaded")
        #expect(filtered.text.contains("<td>policy_reloaded</td>") && !filtered.text.contains("<td>PHONE</td>"))
        let none = try await alice.go(.GET, server.base + "/audit?entity=SSN")
        #expect(none.text.contains("No event matches"))
        let byCall = try await alice.go(.GET, server.base + "/audit?call=call-desk&entity=PHONE")
        #expect(byCall.text.contains("<td>PHONE</td>") && !byCall.text.contains("<td>policy_reloaded</td>"))
        #expect(try await alice.go(.GET, server.base + "/audit?call=call-line").text.contains("No event matches"), "another account's call")

        var mia = Browser()
        _ = try await PortalTests.logIn(&mia, server, "mia")
        let member = try await mia.go(.GET, server.base + "/audit")
        #expect(member.text.contains("<td>PHONE</td>") && !member.text.contains("<td>policy_reloaded</td>"))
        let verified = try await mia.go(.POST, server.base + "/audit/verify", form: [("csrf_token", member.csrf ?? "")])
        #expect(verified.text.contains("The chain holds") && verified.text.contains("<td>PHONE</td>"))
        try await alice.shutdown()
        try await mia.shutdown()
        try await server.stop()
    }

    @Test func reportsAreMadeForTheAccountShownPrintedDownloadedSignedAndWalled() async throws {
        let server = try await TestServer()
        let (desk, _) = try await Self.twoClinics(server)
        var alice = Browser()
        _ = try await PortalTests.logIn(&alice, server, "alice")
        let form = try await alice.go(.GET, server.base + "/reports")
        #expect(form.status == 200 && form.text.contains("No report yet"))
        let made = try await alice.go(.POST, server.base + "/reports", form: [("csrf_token", form.csrf ?? ""), ("scope", "window"), ("since", "day")])
        #expect(made.status == 303, "\(made.text)")
        let location = try #require(made.headers.first(name: "Location"))
        let shown = try await alice.go(.GET, server.base + location)
        let counted = shown.text.components(separatedBy: "<caption>Redactions by kind</caption>").last?.components(separatedBy: "</table>").first ?? ""
        #expect(shown.status == 200 && shown.text.contains("The audit chain verified") && counted.contains("<td>PHONE</td>"))
        #expect(!counted.contains("<td>SSN</td>"), "a window report covers this account's agents only")

        let json = try await alice.go(.GET, server.base + location + "/json")
        #expect(json.status == 200 && json.headers.first(name: "Content-Disposition")?.contains("attachment") == true)
        let report = try JSONParser.parse(json.text)
        _ = try ReportSignature.verify(report)
        #expect(report["counts"]?["redactions_by_entity_kind"]?["PHONE"] == .int(1))
        #expect(report["counts"]?["redactions_by_entity_kind"]?["SSN"] == nil)

        let printed = try await alice.go(.GET, server.base + location + "/print")
        #expect(printed.status == 200 && printed.text.contains("Safe Harbor"))
        let policy = printed.headers.first(name: "Content-Security-Policy") ?? ""
        #expect(policy.contains("default-src 'none'") && !policy.contains("script-src"), "the printable page runs no script")
        #expect(ReportHTML.embeddedJSON(in: printed.text).flatMap { try? JSONParser.parse($0) } == report)

        let byAgent = try await alice.go(.POST, server.base + "/reports", form: [("csrf_token", form.csrf ?? ""), ("scope", "agent"), ("agent", desk)])
        #expect(byAgent.status == 303)
        let sessions = try await alice.go(.GET, server.base + "/sessions?since=all")
        let session = try #require(sessions.text.components(separatedBy: "<a href=\"/sessions/").dropFirst().first?.prefix { $0 != "\"" })
        let bySession = try await alice.go(.POST, server.base + "/reports",
                                           form: [("csrf_token", form.csrf ?? ""), ("scope", "session"), ("session", String(session))])
        #expect(bySession.status == 303, "\(bySession.text)")
        let list = try await alice.go(.GET, server.base + "/reports")
        #expect(list.text.contains("agent desk") && list.text.contains("session \(session) (call id call-desk)"))
        let missing = try await alice.go(.POST, server.base + "/reports", form: [("csrf_token", form.csrf ?? ""), ("scope", "session"), ("session", "sess_nope")])
        #expect(missing.status == 404 && missing.text.contains("No such session"))
        let forged = try await alice.go(.POST, server.base + "/reports", form: [("scope", "window")])
        #expect(forged.status == 403)

        var bob = Browser()
        _ = try await PortalTests.logIn(&bob, server, "bob")
        for suffix in ["", "/print", "/json"] {
            let theirs = try await bob.go(.GET, server.base + location + suffix)
            #expect(theirs.status == 404 && !theirs.text.contains("PHONE"), "\(suffix)")
        }
        #expect(try await bob.go(.GET, server.base + "/reports").text.contains("No report yet"))
        try await alice.shutdown()
        try await bob.shutdown()
        try await server.stop()
    }

    @Test func withoutASigningKeyTheReportsPageSaysWhatToSet() async throws {
        let server = try await TestServer(signsReports: false)
        try await server.createUser("alice", password: PortalTests.password)
        var alice = Browser()
        _ = try await PortalTests.logIn(&alice, server, "alice")
        let page = try await alice.go(.GET, server.base + "/reports")
        #expect(page.text.contains("MASKER_REPORT_SIGNING_KEY"))
        let made = try await alice.go(.POST, server.base + "/reports", form: [("csrf_token", page.csrf ?? ""), ("scope", "window")])
        #expect(made.status == 503)
        try await alice.shutdown()
        try await server.stop()
    }
}
