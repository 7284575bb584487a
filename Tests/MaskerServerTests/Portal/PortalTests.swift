import AsyncHTTPClient
import Foundation
import MaskerCore
import MaskerServer
import MaskerStore
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

        /// `form`: an url-encoded form; `multipart`: a `multipart/form-data` one, each part a name,
        /// its bytes and, for a file, its file name.
        mutating func go(_ method: HTTPMethod, _ url: String, form: [(String, String)]? = nil,
                         multipart: [(name: String, value: [UInt8], filename: String?)]? = nil) async throws -> Page {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
                request.body = .bytes(ByteBuffer(string: body))
            }
            if let multipart {
                let boundary = "PortalTestBoundary\(UInt32.random(in: 0...UInt32.max))"
                var body: [UInt8] = []
                for part in multipart {
                    let file = part.filename.map { "; filename=\"\($0)\"\r\nContent-Type: application/octet-stream" } ?? ""
                    body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"\(file)\r\n\r\n".utf8) + part.value + Array("\r\n".utf8)
                }
                body += Array("--\(boundary)--\r\n".utf8)
                request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
                request.body = .bytes(ByteBuffer(bytes: body))
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
        for path in ["/login", "/portal/assets/portal.css", "/portal/assets/portal.js"] {
            let page = try await browser.go(.GET, server.base + path)
            let policy = page.headers.first(name: "Content-Security-Policy") ?? ""
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "\(path): \(policy)")
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            // Scripts only from Masker's own assets, never inline.
            let scripts = page.text.components(separatedBy: "<script").dropFirst()
            #expect(scripts.allSatisfy { $0.hasPrefix(" src=\"/portal/assets/") }, "\(path) has an inline script")
            #expect(!page.text.contains(" onclick=") && !page.text.contains(" onload="), "\(path) has an inline handler")
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
        let byPass = mine.text.components(separatedBy: "By the pass that found them").last ?? ""
        #expect(byPass.contains("<td>regex</td><td class=\"num\">1</td>") && byPass.contains("<td>gemma</td><td class=\"num\">1</td>"),
                "redactions by pass")
        #expect(!mine.text.contains(phone) && !mine.text.contains("Sarah"), "the dashboard shows PHI")
        #expect(mine.text.contains("1 agent(s)"))
        #expect(mine.text.contains("p99") && mine.text.contains("≤ "), "the per-stage percentiles from /metrics")

        var bob = Browser()
        let theirs = try await Self.logIn(&bob, server, "bob")
        #expect(!theirs.text.contains("PHONE") && theirs.text.contains("No calls yet") && theirs.text.contains("0 agent(s)"))
        try await alice.shutdown()
        try await bob.shutdown()
        try await server.stop()
    }

    /// The create wizard, the agent's page with its settings for each platform, a policy that does
    /// not validate shown line by line, edit, and delete behind a confirmation.
    @Test func agentsAreCreatedEditedAndDeletedThroughTheirPages() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        let dashboard = try await Self.logIn(&browser, server)
        let csrf = dashboard.csrf ?? ""
        #expect(try await browser.go(.GET, server.base + "/agents").text.contains("No agent yet"))
        #expect(try await browser.go(.GET, server.base + "/agents/new").text.contains("name=\"policy_yaml\""))

        let broken = try await browser.go(.POST, server.base + "/agents/new", form: [
            ("csrf_token", csrf), ("name", "desk"), ("upstream", "stub"), ("tokenization", ""), ("policy_choice", "yaml"),
            ("policy_yaml", "version: 1\nname: p\nentities:\n  SSN: {action: shred}\n"),
        ])
        #expect(broken.status == 422)
        #expect(broken.text.contains("Line ") && broken.text.contains("<code>"), "\(broken.text)")
        #expect(broken.text.contains("shred"), "the pasted YAML comes back to be fixed")

        let created = try await browser.go(.POST, server.base + "/agents/new", form: [
            ("csrf_token", csrf), ("name", "desk"), ("upstream", "stub"), ("tokenization", ""), ("policy_choice", "server"),
        ])
        #expect(created.status == 303)
        let location = created.headers.first(name: "Location") ?? ""
        #expect(location.hasPrefix("/agents/agt_") && location.hasSuffix("?created=1"), "\(location)")
        let id = String(location.dropFirst("/agents/".count).prefix { $0 != "?" })
        let page = try await browser.go(.GET, server.base + location)
        for part in ["Agent created", "/proxy/\(id)/v1", "Vapi", "custom-llm", "ElevenLabs", "Pipecat", "LiveKit", "Retell", "data-copy"] {
            #expect(page.text.contains(part), "the agent's page lacks \(part)")
        }
        let renamed = try await browser.go(.POST, server.base + "/agents/\(id)", form: [
            ("csrf_token", csrf), ("name", "front desk"), ("upstream", "stub"), ("tokenization", ""), ("policy_choice", "builtin"),
        ])
        #expect(renamed.status == 303)
        let list = try await browser.go(.GET, server.base + "/agents")
        #expect(list.text.contains("front desk") && list.text.contains("healthcare-default"))

        let unconfirmed = try await browser.go(.POST, server.base + "/agents/\(id)/delete", form: [("csrf_token", csrf)])
        #expect(unconfirmed.status == 303 && unconfirmed.headers.first(name: "Location") == "/agents/\(id)/delete")
        #expect(try await browser.go(.GET, server.base + "/agents/\(id)/delete").text.contains("Delete the agent"))
        let deleted = try await browser.go(.POST, server.base + "/agents/\(id)/delete", form: [("csrf_token", csrf), ("confirm", "yes")])
        #expect(deleted.status == 303)
        #expect(try await browser.go(.GET, server.base + "/agents/\(id)").status == 404)
        try await browser.shutdown()
        try await server.stop()
    }

    /// Accounts are walls: another account's agent page is 404, its edit and delete refused the same way.
    @Test func anotherAccountsAgentIsNotFound() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password, account: "clinic-a")
        try await server.createUser("bob", password: Self.password, account: "clinic-b")
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("stub"))]),
                                                 token: try await server.token(account: "clinic-a"))
        var bob = Browser()
        let csrf = try await Self.logIn(&bob, server, "bob").csrf ?? ""
        #expect(try await bob.go(.GET, server.base + "/agents/\(agent)").status == 404)
        #expect(try await bob.go(.GET, server.base + "/agents/\(agent)/delete").status == 404)
        let edit = try await bob.go(.POST, server.base + "/agents/\(agent)", form: [("csrf_token", csrf), ("name", "mine"), ("upstream", "stub")])
        #expect(edit.status == 404)
        let delete = try await bob.go(.POST, server.base + "/agents/\(agent)/delete", form: [("csrf_token", csrf), ("confirm", "yes")])
        #expect(delete.status == 404)
        #expect(!(try await bob.go(.GET, server.base + "/agents").text.contains("desk")))
        try await bob.shutdown()
        try await server.stop()
    }

    /// The playground shows what was found and what each scheme makes of it, and stores nothing:
    /// the audit log does not grow.
    @Test func thePlaygroundMasksAndRestoresWithoutStoringAnything() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        let csrf = try await Self.logIn(&browser, server).csrf ?? ""
        let auditBefore = (try? FileManager.default.attributesOfItem(atPath: server.auditPath)[.size] as? Int) ?? 0
        let text = "Hi, this is Sarah Chen <b>, my number is 415-555-2671"
        let page = try await browser.go(.POST, server.base + "/playground", form: [("csrf_token", csrf), ("text", text), ("policy", "server")])
        #expect(page.status == 200)
        #expect(page.text.contains("<mark class=\"k-PHONE\"") && page.text.contains("<mark class=\"k-NAME\""), "\(page.text)")
        #expect(page.text.contains("Identical to what you pasted"))
        #expect(page.text.contains("&lt;b&gt;") && !page.text.contains("<b>,"), "the pasted text must be escaped")
        let masked = page.text.components(separatedBy: "What the model sees</h2><pre>").last?.components(separatedBy: "</pre>").first ?? ""
        #expect(!masked.contains("415-555-2671") && !masked.contains("Sarah"), "\(masked)")
        let auditAfter = (try? FileManager.default.attributesOfItem(atPath: server.auditPath)[.size] as? Int) ?? 0
        #expect(auditAfter == auditBefore, "the playground wrote to the audit log")
        #expect(!server.logs.text.contains("415-555-2671"), "the pasted text reached a log line")
        let forged = try await browser.go(.POST, server.base + "/playground", form: [("text", text)])
        #expect(forged.status == 403)

        // A JSON document is masked as data, each value with its key as context, and keeps its shape.
        let document = "{\"patient\": {\"mrn\": \"00482913\", \"callback\": \"415-555-2671\"}, \"visits\": 3}"
        let json = try await browser.go(.POST, server.base + "/playground", form: [("csrf_token", csrf), ("text", document), ("policy", "builtin")])
        #expect(json.status == 200 && json.text.contains("<mark class=\"k-PHONE\"") && json.text.contains("Identical to what you pasted"))
        let maskedJSON = json.text.components(separatedBy: "What the model sees</h2><pre>").last?.components(separatedBy: "</pre>").first ?? ""
        #expect(maskedJSON.contains("&quot;visits&quot;: 3") && !maskedJSON.contains("00482913") && !maskedJSON.contains("415-555-2671"),
                "\(maskedJSON)")

        // An agent's own policy is a choice too; another account's agent is not.
        let token = try await server.token()
        var policy = Policy.healthcareDefault
        policy.entities[.phone]?.action = .redact
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("stub")),
                                                          ("policy_yaml", .string(policy.yamlText))]), token: token)
        let byAgent = try await browser.go(.POST, server.base + "/playground", form: [("csrf_token", csrf), ("text", text), ("policy", "agent:\(agent)")])
        #expect(byAgent.text.contains("[REDACTED:PHONE]"), "the agent's policy redacts phones")
        let other = try await server.createAgent(.object([("name", .string("theirs")), ("upstream", .string("stub"))]),
                                                 token: try await server.token(account: "clinic-b"))
        #expect(try await browser.go(.POST, server.base + "/playground", form: [("csrf_token", csrf), ("text", text), ("policy", "agent:\(other)")]).status == 404)
        try await browser.shutdown()
        try await server.stop()
    }

    /// Tokens: created with the secret on that page only, usable at once, revoked at once.
    /// Password: the current one is checked, a short one refused, and a change ends the session.
    @Test func settingsCreateAndRevokeTokensAndChangeThePassword() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        let csrf = try await Self.logIn(&browser, server).csrf ?? ""
        let created = try await browser.go(.POST, server.base + "/settings/tokens", form: [("csrf_token", csrf)])
        #expect(created.status == 201 && created.headers.first(name: "Cache-Control") == "no-store")
        #expect(created.text.contains("<td>alice (you)</td><td>admin</td>"), "the account's people")
        let secret = created.text.components(separatedBy: "data-copy=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        #expect(secret.hasPrefix("mk_"), "\(secret)")
        #expect(try await server.call(.GET, "/api/v1/agents", token: String(secret)).status == 200)
        let listed = try await browser.go(.GET, server.base + "/settings")
        #expect(!listed.text.contains(String(secret)), "the secret is shown once")
        let id = listed.text.components(separatedBy: "/settings/tokens/").dropFirst().first?.prefix { $0 != "/" } ?? ""
        let revoked = try await browser.go(.POST, server.base + "/settings/tokens/\(id)/revoke", form: [("csrf_token", csrf)])
        #expect(revoked.status == 303)
        #expect(try await server.call(.GET, "/api/v1/agents", token: String(secret)).status == 401)

        let wrong = try await browser.go(.POST, server.base + "/settings/password",
                                         form: [("csrf_token", csrf), ("current", "not it at all"), ("new", "another long password"), ("again", "another long password")])
        #expect(wrong.status == 403 && wrong.text.contains("current password is wrong"))
        let short = try await browser.go(.POST, server.base + "/settings/password",
                                         form: [("csrf_token", csrf), ("current", Self.password), ("new", "short"), ("again", "short")])
        #expect(short.status == 422)
        let changed = try await browser.go(.POST, server.base + "/settings/password",
                                           form: [("csrf_token", csrf), ("current", Self.password), ("new", "another long password"), ("again", "another long password")])
        #expect(changed.status == 303 && changed.headers.first(name: "Location") == "/login?changed=1")
        #expect(try await browser.go(.GET, server.base + "/").status == 303, "the old session ended")
        let form = try await browser.go(.GET, server.base + "/login?changed=1")
        #expect(form.text.contains("Your password was changed"))
        let back = try await browser.go(.POST, server.base + "/login",
                                        form: [("csrf_token", form.csrf ?? ""), ("username", "alice"), ("password", "another long password")])
        #expect(back.status == 303)
        try await browser.shutdown()
        try await server.stop()
    }

    /// A failed log-in shows the form again, never the logged-in navigation.
    @Test func aFailedLogInDoesNotShowTheNavigation() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        let form = try await browser.go(.GET, server.base + "/login")
        let wrong = try await browser.go(.POST, server.base + "/login", form: [("csrf_token", form.csrf ?? ""), ("username", "alice"), ("password", "wrong wrong wrong")])
        #expect(!wrong.text.contains("Log out") && !wrong.text.contains("href=\"/agents\""))
        #expect(wrong.text.contains("value=\"alice\""), "the typed name comes back")
        try await browser.shutdown()
        try await server.stop()
    }

    /// The session list pages by cursor and filters by agent and kind; another account's session is
    /// 404; a session's page shows counts, never text.
    @Test func sessionsArePagedFilteredAndWalledByAccount() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password, account: "clinic-a")
        try await server.createUser("bob", password: Self.password, account: "clinic-b")
        let token = try await server.token(account: "clinic-a")
        let desk = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("stub"))]), token: token)
        let line = try await server.createAgent(.object([("name", .string("line")), ("upstream", .string("stub"))]), token: token)
        let account = try await server.store.account(named: "clinic-a")
        let now = Date()
        var calls: [ProxySession] = []
        for index in 0..<55 {
            let at = now.addingTimeInterval(Double(index))
            let kinds: [String: Int] = index % 5 == 0 ? ["SSN": 1] : ["PHONE": 2]
            let agent: String = index < 50 ? desk : line
            calls.append(ProxySession(id: ServerIDs.next("ses"), accountID: account.id, agentID: agent, externalID: "call-\(index)",
                                      startedAt: at, updatedAt: at, turns: 1, status: "ok", redactionsByKind: kinds, stageMillis: ["detect": 1.0]))
        }
        try await server.store.applySessionDeltas(calls)

        var alice = Browser()
        _ = try await Self.logIn(&alice, server, "alice")
        let first = try await alice.go(.GET, server.base + "/sessions?since=all")
        #expect(first.status == 200)
        #expect(first.text.components(separatedBy: "<a href=\"/sessions/ses_").count - 1 == 50)
        let next = first.text.components(separatedBy: "href=\"/sessions?").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        #expect(next.contains("cursor="), "\(next)")
        let second = try await alice.go(.GET, server.base + "/sessions?" + String(next).replacingOccurrences(of: "&amp;", with: "&"))
        #expect(second.text.components(separatedBy: "<a href=\"/sessions/ses_").count - 1 == 5)
        let byAgent = try await alice.go(.GET, server.base + "/sessions?since=all&agent=\(line)")
        #expect(byAgent.text.components(separatedBy: "<a href=\"/sessions/ses_").count - 1 == 5)
        let byKind = try await alice.go(.GET, server.base + "/sessions?since=all&agent=\(line)&kind=SSN")
        #expect(byKind.text.components(separatedBy: "<a href=\"/sessions/ses_").count - 1 == 1)
        let one = try await alice.go(.GET, server.base + "/sessions/\(calls[0].id)")
        #expect(one.status == 200 && one.text.contains("SSN") && one.text.contains("call-0") && one.text.contains("desk"))

        var bob = Browser()
        _ = try await Self.logIn(&bob, server, "bob")
        #expect(try await bob.go(.GET, server.base + "/sessions/\(calls[0].id)").status == 404)
        #expect(try await bob.go(.GET, server.base + "/sessions?since=all").text.contains("No session matches"))
        try await alice.shutdown()
        try await bob.shutdown()
        try await server.stop()
    }

    /// The policy page shows the policy in force, validates a draft line by line, diffs a valid
    /// one against the live policy, and reloads for admins only; the audit page verifies the chain.
    @Test func thePolicyAndAuditPagesValidateDiffReloadAndVerify() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: Self.password)
        var browser = Browser()
        let csrf = try await Self.logIn(&browser, server).csrf ?? ""
        let page = try await browser.go(.GET, server.base + "/policy")
        #expect(page.text.contains("healthcare-default") && page.text.contains("entities:"))
        let broken = try await browser.go(.POST, server.base + "/policy/validate",
                                          form: [("csrf_token", csrf), ("draft", "version: 1\nname: p\nentities:\n  SSN: {action: shred}\n")])
        #expect(broken.status == 422 && broken.text.contains("line ") && broken.text.contains("<code>"), "\(broken.text)")
        let live = page.text.components(separatedBy: "<pre>").dropFirst().first?.components(separatedBy: "</pre>").first ?? ""
        let unescaped = live.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let same = try await browser.go(.POST, server.base + "/policy/validate", form: [("csrf_token", csrf), ("draft", unescaped)])
        #expect(same.status == 200 && same.text.contains("the same as the policy in force"), "\(same.text)")
        let changed = try await browser.go(.POST, server.base + "/policy/validate",
                                           form: [("csrf_token", csrf), ("draft", unescaped.replacingOccurrences(of: "name: \"healthcare-default\"", with: "name: \"clinic\""))])
        #expect(changed.status == 200 && changed.text.contains("Against the policy in force") && changed.text.contains("name"))
        let reloaded = try await browser.go(.POST, server.base + "/policy/reload", form: [("csrf_token", csrf)])
        #expect(reloaded.status == 200 && reloaded.text.contains("Reloaded"), "\(reloaded.status) \(reloaded.text)")

        let audit = try await browser.go(.POST, server.base + "/audit/verify", form: [("csrf_token", csrf)])
        #expect(audit.status == 200 && (audit.text.contains("The chain holds") || audit.text.contains("does not exist yet")), "\(audit.text)")
        #expect(try await browser.go(.POST, server.base + "/audit/verify", form: []).status == 403)
        // The live check the editors call as the user types: the same issues, as JSON, behind CSRF.
        let editor = try await browser.go(.GET, server.base + "/policy")
        let checked = try await browser.go(.POST, server.base + "/policy/check",
                                        form: [("csrf_token", editor.csrf ?? ""), ("draft", "version: 1\nname: x\nentities:\n  PHONE:\n    action: scramble\n")])
        #expect(checked.status == 200 && checked.text.contains("\"valid\":false") && checked.text.contains("\"line\":5"), "\(checked.text)")
        #expect(try await browser.go(.POST, server.base + "/policy/check", form: [("draft", "version: 1")]).status == 403)
        try await browser.shutdown()
        try await server.stop()
    }

    /// Members may read the policy and check drafts, but only admins reload it.
    @Test func onlyAdminsReloadThePolicy() async throws {
        let server = try await TestServer()
        let account = try await server.store.account(named: "admin")
        let hash = try PasswordHasher.standard.hash(Self.password)
        try await server.store.createUser(User(id: ServerIDs.next("usr"), accountID: account.id, username: "mia", role: "member", createdAt: Date()),
                                          passwordHash: hash)
        var browser = Browser()
        let csrf = try await Self.logIn(&browser, server, "mia").csrf ?? ""
        #expect(!(try await browser.go(.GET, server.base + "/policy").text.contains("Reload the server")))
        #expect(try await browser.go(.POST, server.base + "/policy/reload", form: [("csrf_token", csrf)]).status == 403)
        try await browser.shutdown()
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
