import Foundation
import Synchronization

/// A fixed-window counter per key (agent id, or login name): at most `limit` requests per
/// `window`. Beyond it the caller is told how many seconds to wait (`Retry-After`).
final class RateLimiter: Sendable {
    private let limit: Int
    private let window: TimeInterval
    private let windows = Mutex<[String: (start: TimeInterval, count: Int)]>([:])

    init(limit: Int, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// nil when allowed, else the seconds until the window resets.
    func check(_ key: String, now: TimeInterval = Date().timeIntervalSince1970) -> Int? {
        guard limit > 0 else { return nil }
        return windows.withLock { windows -> Int? in
            var entry = windows[key] ?? (now, 0)
            if now - entry.start >= window { entry = (now, 0) }
            entry.count += 1
            windows[key] = entry
            guard entry.count > limit else { return nil }
            return max(1, Int((entry.start + window - now).rounded(.up)))
        }
    }
}
