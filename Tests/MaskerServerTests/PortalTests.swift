import AsyncHTTPClient
import Foundation
import MaskerCore
import NIOCore
import NIOHTTP1
import Testing

/// The portal's pages over real HTTP: log-in, CSRF, cookies, security headers, and a dashboard
/// that shows only the account's own counts.
@Suite(.serialized)
struct PortalTests {
    /// A browser: no redirects followed (the tests read them), every Set-Cookie kept.
    struct Browser {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var cookies: [String: String] = [:]

        struct Page {
            var status: Int
            var headers: HTTPHeaders
            var text: String
            var setCookies: [String] { headers["Set-Cookie"] }
            /// The value of the form's hidden CSRF field.
            var csrf: String? {
                guard let range = text.range(of: "name=\"csrf_token\" value=\"") else { return nil }
                return String(text[range.upperBound...].prefix { $0 != "\"" })
            }
        }

        mutating func go(_ method: HTTPMethod, _ url: String, form: [(String, String)]? = nil) async throws -> Page {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
                request.body = .bytes(ByteBuffer(string: body))
            }
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 4 * 1024 * 1024)
            let page = Page(status: Int(response.status.code), headers: response.headers, text: String(buffer: body))
            for cookie in page.setCookies {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
                if cookie.contains("Max-Age=0") { cookies[pair[0]] = nil }
            }
            return page
        }

        func shutdown() async throws { try await client.shutdown() }
    }

    static let password = "correct horse battery staple"

    /// Logs `username` in through the form; returns the dashboard page.
    static func logIn(_ browser: inout Browser, _ server: TestServer, _ username: String = "alice") async throws -> Browser.Page {
        let form = try await browser.go(.GET, server.base + "/login")
        let done = try await browser.go(.POST, server.base + "/login",
                                        form: [("csrf_token", form.csrf ?? ""), ("username", username), ("password", password)])
        #expect(done.status == 303 && done.headers.first(name: "Location") == "/", "\(done.status) \(done.text)")
        return try await browser.go(.GET, server.base + "/")
    }

    @Test func beforeAnyUserTheLoginPageExplainsHowToCreateOne() async throws {
        let server = try await TestServer()
        var browser = Browser()
        let page = try await browser.go(.GET, server.base + "/login")
        #expect(page.status == 200)
        #expect(page.text.contains("masker users create"))
        #expect(page.text.contains("masker admin token"))
        try await browser.shutdown()
        try await server.stop()
    }

    @Test func everyPageForbidsInlineScriptAndOtherOrigins() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        for path in ["/login", "/portal/assets/portal.css"] {
            let page = try await browser.go(.GET, server.base + path)
            let policy = page.headers.first(name: "Content-Security-Policy") ?? ""
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "\(path): \(policy)")
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(!page.text.contains("<script"), "\(path) has a script")
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "\(path) loads from another origin")
        }
        try await browser.shutdown()
        try await server.stop()
    }

    @Test func logInSetsAnHttpOnlySameSiteCookieAndOpensTheDashboard() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        let outside = try await browser.go(.GET, server.base + "/")
        #expect(outside.status == 303 && outside.headers.first(name: "Location") == "/login")

        let form = try await browser.go(.GET, server.base + "/login")
        #expect(form.setCookies.contains { $0.hasPrefix("masker_login_csrf=") && $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
        let wrong = try await browser.go(.POST, server.base + "/login", form: [("csrf_token", form.csrf ?? ""), ("username", "alice"), ("password", "nope nope nope")])
        #expect(wrong.status == 401 && wrong.text.contains("Unknown user name or wrong password"))
        #expect(!wrong.text.contains("nope nope nope"), "the page must not echo the password")

        let again = try await browser.go(.GET, server.base + "/login")
        let done = try await browser.go(.POST, server.base + "/login",
                                        form: [("csrf_token", again.csrf ?? ""), ("username", "alice"), ("password", Self.password)])
        #expect(done.status == 303)
        let session = done.setCookies.first { $0.hasPrefix("masker_session=") } ?? ""
        #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"), "\(session)")
        let dashboard = try await browser.go(.GET, server.base + "/")
        #expect(dashboard.status == 200)
        for part in ["Dashboard", "Health", "Policy in force", "healthcare-default", "alice"] {
            #expect(dashboard.text.contains(part), "dashboard lacks \(part)")
        }
        // Logged in, /login goes to the dashboard.
        let back = try await browser.go(.GET, server.base + "/login")
        #expect(back.status == 303 && back.headers.first(name: "Location") == "/")
        try await browser.shutdown()
        try await server.stop()
    }

    @Test func behindHTTPSTheSessionCookieIsSecure() async throws {
        let server = try await TestServer { $0.publicURL = "https://masker.example.org" }
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        let form = try await browser.go(.GET, server.base + "/login")
        let done = try await browser.go(.POST, server.base + "/login",
                                        form: [("csrf_token", form.csrf ?? ""), ("username", "alice"), ("password", Self.password)])
        #expect(done.setCookies.contains { $0.hasPrefix("masker_session=") && $0.contains("Secure") })
        try await browser.shutdown()
        try await server.stop()
    }

    @Test func formsWithoutTheirCSRFTokenAreRefused() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        _ = try await browser.go(.GET, server.base + "/login")
        let forged = try await browser.go(.POST, server.base + "/login", form: [("username", "alice"), ("password", Self.password)])
        #expect(forged.status == 403)
        #expect(!forged.setCookies.contains { $0.hasPrefix("masker_session=") })

        _ = try await Self.logIn(&browser, server)
        let logoutForged = try await browser.go(.POST, server.base + "/logout", form: [("csrf_token", "guess")])
        #expect(logoutForged.status == 403)
        #expect(try await browser.go(.GET, server.base + "/").status == 200, "a refused log-out must leave the session alone")

        let dashboard = try await browser.go(.GET, server.base + "/")
        let out = try await browser.go(.POST, server.base + "/logout", form: [("csrf_token", dashboard.csrf ?? "")])
        #expect(out.status == 303 && out.headers.first(name: "Location") == "/login")
        #expect(try await browser.go(.GET, server.base + "/").status == 303, "after log-out the dashboard asks to log in")
        try await browser.shutdown()
        try await server.stop()
    }

    /// The dashboard counts what was masked for the account's own calls, shows no text of them,
    /// and shows nothing of another account's.
    @Test func theDashboardShowsTheAccountsOwnCountsAndNoPHI() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password, account: "clinic-a")
        try await server.createUser("bob", password: Self.password, account: "clinic-b")
        let tokenA = try await server.token(account: "clinic-a")
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("stub"))]), token: tokenA)
        let phone = "415-555-2671"
        let request = JSONValue.object([("model", .string("m")), ("messages", .array([
            .object([("role", .string("user")), ("content", .string("my number is \(phone), my name is Sarah Chen"))]),
        ]))])
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: request, headers: ["Masker-Session-Id": "call-1"])
        #expect(reply.status == 200)
        // The recorder writes session counts in the background; wait for them.
        for _ in 0..<100 {
            if try await server.store.sessions(accountID: try await server.store.account(named: "clinic-a").id, agentID: nil, status: nil,
                                               limit: 10, cursor: nil).first?.turns == 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }

        var alice = Browser()
        let mine = try await Self.logIn(&alice, server, "alice")
        #expect(mine.text.contains("PHONE") && mine.text.contains("NAME"), "\(mine.text)")
        #expect(!mine.text.contains(phone) && !mine.text.contains("Sarah"), "the dashboard shows PHI")
        #expect(mine.text.contains("1 agent(s)"))

        var bob = Browser()
        let theirs = try await Self.logIn(&bob, server, "bob")
        #expect(!theirs.text.contains("PHONE") && theirs.text.contains("No calls yet") && theirs.text.contains("0 agent(s)"))
        try await alice.shutdown()
        try await bob.shutdown()
        try await server.stop()
    }

    @Test func aFormOfTheWrongTypeIsAClearPageNotACrash() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        let reply = try await server.call(.POST, "/login", json: .object([("username", .string("alice"))]))
        #expect(reply.status == 415 && reply.text.contains("form post"))
        try await server.stop()
    }
}
