import Crypto
import Synchronization

/// A bounded map from SHA-256 digests to values; once full, the oldest entry goes first. The
/// detection caches key it by a digest of the text, so what they keep holds no PHI.
final class DigestCache<Value: Sendable>: Sendable {
    private struct State {
        var entries: [SHA256Digest: Value] = [:]
        var order: [SHA256Digest] = []
        var oldest = 0
    }

    private let state: Mutex<State>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State())
    }

    func value(for key: SHA256Digest) -> Value? {
        state.withLock { $0.entries[key] }
    }

    func store(_ value: Value, for key: SHA256Digest) {
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

    var count: Int { state.withLock { $0.entries.count } }
}
