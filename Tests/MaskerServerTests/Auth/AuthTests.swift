import Foundation
import MaskerCore
import MaskerServer
import MaskerStore
import MaskerTestSupport
import Testing

@Suite(.serialized)
struct AuthTests {
    static let password = "correct horse battery staple"

    /// The `masker_session` cookie from a log-in answer, and the CSRF token that goes with it.
    func login(_ server: TestServer, _ username: String, _ password: String = AuthTests.password) async throws -> (cookie: String, csrf: String, reply: TestServer.Reply) {
        let reply = try await server.call(.POST, "/api/v1/auth/login", json: .object([("username", .string(username)), ("password", .string(password))]))
        let setCookie = reply.headers["set-cookie"] ?? ""
        let cookie = setCookie.split(separator: ";").first.map(String.init) ?? ""
        return (cookie, reply.json["csrf_token"]?.stringValue ?? "", reply)
    }

    @Test(arguments: TestServer.Database.allCases)
    func cookieSessionsWorkAndWritesNeedTheCSRFToken(_ database: TestServer.Database) async throws {
        let server = try await TestServer(database: database)
        try await server.createUser("alice", password: Self.password)

        let wrong = try await login(server, "alice", "not the password!")
        #expect(wrong.reply.status == 401)
        #expect(wrong.reply.json["error"]?["code"]?.stringValue == "invalid_credentials")
        let unknown = try await login(server, "nobody")
        #expect(unknown.reply.status == 401)
        #expect(unknown.reply.json["error"]?["message"] == wrong.reply.json["error"]?["message"])

        let session = try await login(server, "alice")
        #expect(session.reply.status == 200)
        let setCookie = try #require(session.reply.headers["set-cookie"])
        #expect(session.cookie.hasPrefix("masker_session=ms_"))
        #expect(setCookie.contains("HttpOnly"))
        #expect(setCookie.lowercased().contains("samesite=lax"))
        #expect(!setCookie.contains("Secure"))
        #expect(session.csrf.hasPrefix("csrf_"))

        let me = try await server.call(.GET, "/api/v1/me", headers: ["Cookie": session.cookie])
        #expect(me.status == 200)
        #expect(me.json["auth"]?.stringValue == "session")
        #expect(me.json["user"]?["username"]?.stringValue == "alice")
        #expect(me.json["csrf_token"]?.stringValue == session.csrf)

        let agent = JSONValue.object([("name", .string("desk")), ("upstream", .string("stub"))])
        let noToken = try await server.call(.POST, "/api/v1/agents", json: agent, headers: ["Cookie": session.cookie])
        #expect(noToken.status == 403)
        #expect(noToken.json["error"]?["code"]?.stringValue == "csrf_failed")
        let badToken = try await server.call(.POST, "/api/v1/agents", json: agent, headers: ["Cookie": session.cookie, "X-CSRF-Token": "csrf_forged"])
        #expect(badToken.status == 403)
        let created = try await server.call(.POST, "/api/v1/agents", json: agent, headers: ["Cookie": session.cookie, "X-CSRF-Token": session.csrf])
        #expect(created.status == 201)
        let id = try #require(created.json["id"]?.stringValue)
        #expect(try await server.call(.DELETE, "/api/v1/agents/\(id)", headers: ["Cookie": session.cookie]).status == 403)
        #expect(try await server.call(.GET, "/api/v1/agents/\(id)", headers: ["Cookie": session.cookie]).status == 200)

        // Log-out is a write too; afterwards the cookie is worthless.
        #expect(try await server.call(.POST, "/api/v1/auth/logout", headers: ["Cookie": session.cookie]).status == 403)
        let out = try await server.call(.POST, "/api/v1/auth/logout", headers: ["Cookie": session.cookie, "X-CSRF-Token": session.csrf])
        #expect(out.status == 204)
        #expect(out.headers["set-cookie"]?.contains("Max-Age=0") == true)
        #expect(try await server.call(.GET, "/api/v1/agents", headers: ["Cookie": session.cookie]).status == 401)

        // Neither the password nor the cookie secret reaches a log line.
        let logs = server.logs.text
        #expect(!logs.contains(Self.password))
        #expect(!logs.contains(String(session.cookie.dropFirst("masker_session=".count))))
        #expect(!logs.contains(session.csrf))
        try await server.stop()
    }

    @Test func cookiesAreSecureBehindHTTPS() async throws {
        let server = try await TestServer(configure: { $0.publicURL = "https://masker.example.org" })
        try await server.createUser("carol", password: Self.password)
        let session = try await login(server, "carol")
        #expect(session.reply.headers["set-cookie"]?.contains("Secure") == true)
        try await server.stop()
    }

    @Test func logInIsRateLimitedEvenForTheRightPassword() async throws {
        let server = try await TestServer(configure: { $0.loginAttemptsPerMinute = 3 })
        try await server.createUser("dave", password: Self.password)
        for _ in 0..<3 { #expect(try await login(server, "dave", "guess-guess-guess").reply.status == 401) }
        let throttled = try await login(server, "dave")
        #expect(throttled.reply.status == 429)
        #expect(throttled.reply.json["error"]?["code"]?.stringValue == "rate_limited")
        #expect(Int(throttled.reply.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(throttled.cookie.isEmpty)
        try await server.stop()
    }

    @Test(arguments: TestServer.Database.allCases)
    func oneAccountNeverSeesAnother(_ database: TestServer.Database) async throws {
        let server = try await TestServer(database: database)
        let aliceToken = try await server.token(account: "alice")
        try await server.createUser("bob", password: Self.password, account: "bob")
        let bob = try await login(server, "bob")

        let agentID = try await server.createAgent(.object([("name", .string("front")), ("upstream", .string("stub"))]), token: aliceToken)
        let turn = JSONValue.object([("model", .string("m")), ("messages", .array([.object([("role", .string("user")), ("content", .string("hello"))])]))])
        let proxied = try await server.call(.POST, "/proxy/\(agentID)/v1/chat/completions", json: turn)
        let sessionID = try #require(proxied.headers["masker-session-id"])

        let cookie = ["Cookie": bob.cookie]
        #expect(try await server.call(.GET, "/api/v1/agents/\(agentID)", headers: cookie).status == 404)
        #expect(try await server.call(.GET, "/api/v1/sessions/\(sessionID)", headers: cookie).status == 404)
        let bobsSessions = try await server.call(.GET, "/api/v1/sessions", headers: cookie)
        #expect(bobsSessions.status == 200)
        #expect(!bobsSessions.text.contains(sessionID))
        #expect(try await server.call(.DELETE, "/api/v1/agents/\(agentID)", headers: cookie.merging(["X-CSRF-Token": bob.csrf]) { $1 }).status == 404)
        // Alice still has both.
        #expect(try await server.call(.GET, "/api/v1/agents/\(agentID)", token: aliceToken).status == 200)
        #expect(try await server.call(.GET, "/api/v1/sessions/\(sessionID)", token: aliceToken).status == 200)
        try await server.stop()
    }
}
