import Foundation

/// Slows password guessing: at most `limit` log-in attempts per minute for one user name, and
/// the same from one client address, whether they succeed or not. A throttled attempt is refused
/// before the password is even checked (429 with `Retry-After`), so it costs no scrypt time.
struct LoginThrottle: Sendable {
    private let byName: RateLimiter
    private let byAddress: RateLimiter

    init(limit: Int) {
        byName = RateLimiter(limit: limit)
        byAddress = RateLimiter(limit: limit)
    }

    /// nil when the attempt may go ahead, else the seconds to wait.
    func check(username: String, address: String) -> Int? {
        let name = byName.check(username.lowercased()), origin = byAddress.check(address)
        switch (name, origin) {
        case (nil, nil): return nil
        case let (a?, b?): return max(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        }
    }
}
