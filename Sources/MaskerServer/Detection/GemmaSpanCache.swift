import Crypto
import MaskerCore
import Synchronization

/// The LLM's spans for texts it has already read. A voice platform sends the whole conversation on
/// every turn, so without this each turn would ask the model about every earlier message again.
///
/// Keyed by a SHA-256 of the kinds asked for and the text, holding offsets and kinds only: the
/// cache keeps no PHI. Bounded; the oldest entries go first.
final class GemmaSpanCache: Sendable {
    private struct State {
        var entries: [SHA256Digest: [Candidate]] = [:]
        var order: [SHA256Digest] = []
        var oldest = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    static func key(_ text: String, kinds: Set<EntityKind>) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(data: Array(kinds.map(\.rawValue).sorted().joined(separator: ",").utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(text.utf8))
        return hasher.finalize()
    }

    func spans(for key: SHA256Digest) -> [Candidate]? {
        state.withLock { $0.entries[key] }
    }

    func store(_ spans: [Candidate], for key: SHA256Digest) {
        state.withLock { state in
            guard state.entries.updateValue(spans, forKey: key) == nil else { return }
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
