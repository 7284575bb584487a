import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// Who is looking at a portal page: the log-in session of the `masker_session` cookie, if valid.
enum PortalSession {
    static func resolve(_ request: Request, store: any ServerStore) async throws -> LoginSession? {
        guard let cookie = request.cookies[AccountAuthenticator.cookieName]?.value, !cookie.isEmpty else { return nil }
        return try await dbCall { try await store.loginSession(hash: ServerSecrets.hash(cookie), now: Date()) }
    }

    /// Every form a logged-in page posts carries the session's CSRF token in `csrf_token`.
    static func checkCSRF(_ form: PortalForm, _ session: LoginSession) throws {
        guard ConstantTime.equal(Array((form["csrf_token"] ?? "").utf8), Array(session.csrfToken.utf8)) else {
            throw PortalError(.forbidden, "This form did not carry the page's security token (it may have come from another site, or the page was old). Reload the page and retry.")
        }
    }
}
