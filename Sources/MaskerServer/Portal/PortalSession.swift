import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// Who is looking at a portal page: the log-in session of the `masker_session` cookie, if valid.
enum PortalSession {
    static func resolve(_ request: Request, store: any ServerStore) async throws -> LoginSession? {
        try await dbCall { try await AccountAuthenticator.loginSession(of: request, store: store) }
    }

    /// The session, or a redirect to /login.
    static func require(_ request: Request, store: any ServerStore) async throws -> LoginSession {
        guard let session = try await resolve(request, store: store) else { throw PortalRedirect(location: "/login") }
        return session
    }

    /// What every logged-in page's frame shows: who, which account, the CSRF token for its forms,
    /// and which section of the navigation is current (`isAgents`…).
    static func frame(_ session: LoginSession, title: String, section: String) -> [String: Any] {
        ["title": title, "username": session.user.username, "account": session.account.name, "csrf": session.csrfToken,
         "is" + section.prefix(1).uppercased() + section.dropFirst(): true]
    }

    /// Every form a logged-in page posts carries the session's CSRF token in `csrf_token`.
    static func checkCSRF(_ form: PortalForm, _ session: LoginSession) throws {
        guard AccountAuthenticator.tokensMatch(form["csrf_token"] ?? "", session.csrfToken) else {
            throw PortalError(.forbidden, "This form did not carry the page's security token (it may have come from another site, or the page was old). Reload the page and retry.")
        }
    }
}
