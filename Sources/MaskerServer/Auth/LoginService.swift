import Foundation
import MaskerCore
import MaskerStore

/// Checking a user name and password and starting a browser session: one implementation, and one
/// throttle, for the API's `/auth/login` and the portal's `/login`, so attempts through either
/// count against the same limit.
struct LoginService: Sendable {
    let store: any ServerStore
    let configuration: ServerConfiguration
    let throttle: LoginThrottle

    init(store: any ServerStore, configuration: ServerConfiguration) {
        self.store = store
        self.configuration = configuration
        throttle = LoginThrottle(limit: configuration.loginAttemptsPerMinute)
    }

    struct Started: Sendable {
        var user: User
        var cookie: String
        var csrfToken: String
        var maxAge: Int
    }

    /// Throws `rate_limited` (with the wait) or `invalid_credentials` as `APIError`s.
    func logIn(username: String, password: String, address: String) async throws -> Started {
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
        return Started(user: found.user, cookie: cookie, csrfToken: csrf, maxAge: Int(configuration.loginLifetime.components.seconds))
    }

    /// A valid hash of a random password, checked when the user name is unknown.
    private static let decoyHash: String = (try? PasswordHasher.standard.hash(ServerSecrets.make(prefix: ""))) ?? ""
}
