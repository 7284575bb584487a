import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore
import MaskerStore

/// `/api/v1/auth/login` and `/auth/logout`: browser sessions for local users (created with
/// `masker users create`). The CLI and automation use API tokens instead.
struct AuthRoutes {
    let login: LoginService
    let configuration: ServerConfiguration

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.post("auth/login") { request, context in try await logIn(request, context) }
        group.post("auth/logout") { request, context in try await logout(request, context) }
    }

    private func logIn(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        var request = request
        let (body, _) = try await request.jsonObject(limit: 64 * 1024)
        guard let username = body["username"]?.stringValue, !username.isEmpty, let password = body["password"]?.stringValue else {
            throw APIError(.badRequest, "invalid_login", "send {\"username\": …, \"password\": …}")
        }
        let started = try await login.logIn(username: username, password: password, address: context.remoteAddress?.ipAddress ?? "unknown")
        var response = JSONResponse.make(.object([
            ("user", .object([("id", .string(started.user.id)), ("username", .string(started.user.username)), ("role", .string(started.user.role))])),
            ("account_id", .string(started.user.accountID)), ("csrf_token", .string(started.csrfToken)),
            ("expires_at", .string(UTCTimestamp.format(Date().addingTimeInterval(Double(started.maxAge))))),
        ]))
        response.setCookie(Cookie(name: AccountAuthenticator.cookieName, value: started.cookie, maxAge: started.maxAge, path: "/",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    private func logout(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        guard case .login = context.credential, let cookie = request.cookies[AccountAuthenticator.cookieName]?.value else {
            throw APIError(.unauthorized, "not_logged_in", "there is no log-in session to end (API tokens have no log-out; revoke them instead)")
        }
        try await dbCall { try await login.store.deleteLoginSession(hash: ServerSecrets.hash(cookie)) }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: AccountAuthenticator.cookieName, value: "", maxAge: 0, path: "/",
                                  secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }
}
