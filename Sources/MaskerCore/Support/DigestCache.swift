import Crypto
import Synchronization

/// A bounded map from digests (SHA-256, or a MAC) to values; once full, the oldest entry goes
/// first. Its users key it by a digest of a text (the server's detection caches and
/// `CallHistory`), and keep no PHI in it either.
public final class DigestCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: Value] = [:]
        var order: [Key] = []
        var oldest = 0
    }

    private let state: Mutex<State>
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State())
    }

    public func value(for key: Key) -> Value? {
        state.withLock { $0.entries[key] }
    }

    public func store(_ value: Value, for key: Key) {
        let capacity = capacity
        state.withLock { state in
            guard state.entries.updateValue(value, forKey: key) == nil else { return }
            // A ring of keys: the slot after the newest holds the oldest once the cache is full.
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.entries.removeValue(forKey: state.order[state.oldest])
                state.order[state.oldest] = key
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }
}
