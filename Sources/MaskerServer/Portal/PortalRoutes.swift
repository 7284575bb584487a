import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore
import MaskerStore

/// The portal's pages: `/login` (and the first-run page before any user exists), `/logout`, the
/// dashboard at `/`, and its stylesheet. Browser sessions only (the `masker_session` cookie); API
/// tokens are for the API. Every form carries a CSRF token: the session's own once logged in, and
/// before that a double-submit token in a short-lived cookie of its own.
struct PortalRoutes {
    let login: LoginService
    let runtime: MaskingRuntime
    let configuration: ServerConfiguration
    let health: HealthRoutes

    static let loginCSRFCookie = "masker_login_csrf"

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("portal/assets/portal.css") { _, _ in PortalAssets.stylesheet() }
        router.get("portal/assets/portal.js") { _, _ in PortalAssets.script() }
        router.get("login") { request, _ in try await showLogin(request) }
        router.post("login") { request, context in try await PortalHandler.run { try await submitLogin(request, context) } }
        router.post("logout") { request, _ in try await PortalHandler.run { try await logout(request) } }
        router.get("/") { request, _ in try await PortalHandler.run { try await dashboard(request) } }
    }

    // MARK: Log in and out

    private func showLogin(_ request: Request) async throws -> Response {
        guard try await dbCall({ try await login.store.hasUsers() }) else {
            return PortalResponse.page("first-run", ["title": "Set up Masker"])
        }
        if try await PortalSession.resolve(request, store: login.store) != nil { return PortalResponse.redirect(to: "/") }
        let changed = request.uri.queryParameters["changed"] == "1"
        return loginPage(message: nil, notice: changed ? "Your password was changed. Log in with the new one." : nil, username: "", status: .ok)
    }

    /// The form with a fresh double-submit token, set in its own cookie (SameSite=Strict, only
    /// sent back to /login).
    private func loginPage(message: String?, notice: String? = nil, username: String, status: HTTPResponse.Status) -> Response {
        let token = ServerSecrets.make(prefix: "lc_")
        // `typedName`, not `username`: the frame shows the logged-in navigation when `username` is set.
        var model: [String: Any] = ["title": "Log in", "csrf": token, "typedName": username]
        if let message { model["message"] = message }
        if let notice { model["notice"] = notice }
        var response = PortalResponse.page("login", model, status: status)
        response.setCookie(Cookie(name: Self.loginCSRFCookie, value: token, maxAge: 3600, path: "/login",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    private func submitLogin(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let form = try await PortalForm.read(request)
        let expected = request.cookies[Self.loginCSRFCookie]?.value ?? ""
        guard !expected.isEmpty, AccountAuthenticator.tokensMatch(form["csrf_token"] ?? "", expected) else {
            throw PortalError(.forbidden, "This log-in form has expired or did not come from this server. Open /login again and retry.")
        }
        let username = form["username"] ?? ""
        guard !username.isEmpty, let password = form["password"], !password.isEmpty else {
            return loginPage(message: "Enter your user name and password.", username: username, status: .badRequest)
        }
        let started: LoginService.Started
        do {
            started = try await login.logIn(username: username, password: password, address: context.remoteAddress?.ipAddress ?? "unknown")
        } catch let error as APIError where error.code == "invalid_credentials" || error.code == "rate_limited" {
            var response = loginPage(message: error.code == "rate_limited" ? "Too many attempts. \(error.message.prefix(1).uppercased() + error.message.dropFirst())."
                                        : "Unknown user name or wrong password.", username: username, status: error.status)
            if let wait = error.headers[.retryAfter] { response.headers[.retryAfter] = wait }
            return response
        }
        var response = PortalResponse.redirect(to: "/")
        response.setCookie(Cookie(name: AccountAuthenticator.cookieName, value: started.cookie, maxAge: started.maxAge, path: "/",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        response.setCookie(Cookie(name: Self.loginCSRFCookie, value: "", maxAge: 0, path: "/login",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    private func logout(_ request: Request) async throws -> Response {
        let form = try await PortalForm.read(request)
        guard let cookie = request.cookies[AccountAuthenticator.cookieName]?.value,
              let session = try await PortalSession.resolve(request, store: login.store) else { return PortalResponse.redirect(to: "/login") }
        try PortalSession.checkCSRF(form, session)
        try await dbCall { try await login.store.deleteLoginSession(hash: ServerSecrets.hash(cookie)) }
        var response = PortalResponse.redirect(to: "/login")
        response.setCookie(Cookie(name: AccountAuthenticator.cookieName, value: "", maxAge: 0, path: "/",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    // MARK: Dashboard

    private func dashboard(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: login.store)
        let model = try await DashboardModel.build(session: session, store: login.store, runtime: runtime, health: health,
                                                   metrics: health.metrics)
        return PortalResponse.page("dashboard", model)
    }
}
