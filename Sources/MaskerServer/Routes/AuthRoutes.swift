import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore
import MaskerStore

/// `/api/v1/auth/login` and `/auth/logout`: browser sessions for local users (created with
/// `masker users create`). The CLI and automation use API tokens instead.
struct AuthRoutes {
    let store: any ServerStore
    let configuration: ServerConfiguration
    let throttle: LoginThrottle

    init(store: any ServerStore, configuration: ServerConfiguration) {
        self.store = store
        self.configuration = configuration
        throttle = LoginThrottle(limit: configuration.loginAttemptsPerMinute)
    }

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.post("auth/login") { request, context in try await login(request, context) }
        group.post("auth/logout") { request, context in try await logout(request, context) }
    }

    private func login(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        var request = request
        let (body, _) = try await request.jsonObject(limit: 64 * 1024)
        guard let username = body["username"]?.stringValue, !username.isEmpty, let password = body["password"]?.stringValue else {
            throw APIError(.badRequest, "invalid_login", "send {\"username\": …, \"password\": …}")
        }
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        if let wait = throttle.check(username: username, address: address) {
            var error = APIError(.tooManyRequests, "rate_limited", "too many log-in attempts; wait \(wait) s and try again")
            error.headers[.retryAfter] = String(wait)
            throw error
        }
        let found = try await dbCall { try await store.credentials(username: username) }
        // An unknown user costs the same scrypt time as a wrong password: the timing must not tell
        // which user names exist.
        let valid = await PasswordHasher.verifyOffloaded(password, against: found?.passwordHash ?? Self.decoyHash)
        guard let found, valid else {
            throw APIError(.unauthorized, "invalid_credentials", "unknown user name or wrong password")
        }
        let (cookie, csrf) = try await dbCall {
            try await store.startLoginSession(userID: found.user.id, lifetime: configuration.loginLifetime)
        }
        let seconds = Int(configuration.loginLifetime.components.seconds)
        var response = JSONResponse.make(.object([
            ("user", .object([("id", .string(found.user.id)), ("username", .string(found.user.username)), ("role", .string(found.user.role))])),
            ("account_id", .string(found.user.accountID)), ("csrf_token", .string(csrf)),
            ("expires_at", .string(UTCTimestamp.format(Date().addingTimeInterval(Double(seconds))))),
        ]))
        response.setCookie(Cookie(name: AccountAuthenticator.cookieName, value: cookie, maxAge: seconds, path: "/",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    private func logout(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        guard case .login = context.credential, let cookie = request.cookies[AccountAuthenticator.cookieName]?.value else {
            throw APIError(.unauthorized, "not_logged_in", "there is no log-in session to end (API tokens have no log-out; revoke them instead)")
        }
        try await dbCall { try await store.deleteLoginSession(hash: ServerSecrets.hash(cookie)) }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: AccountAuthenticator.cookieName, value: "", maxAge: 0, path: "/",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    /// A valid hash of a random password, checked when the user name is unknown.
    private static let decoyHash: String = (try? PasswordHasher.standard.hash(ServerSecrets.make(prefix: ""))) ?? ""
}
