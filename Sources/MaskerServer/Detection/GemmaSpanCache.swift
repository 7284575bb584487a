import Crypto
import MaskerCore

/// The LLM's spans for texts it has already read. A voice platform sends the whole conversation on
/// every turn, so without this each turn would ask the model about every earlier message again.
///
/// Keyed by a SHA-256 of the kinds asked for and the text, holding offsets and kinds only: the
/// cache keeps no PHI. Bounded; the oldest entries go first.
final class GemmaSpanCache: Sendable {
    private let cache: DigestCache<SHA256Digest, [Candidate]>

    init(capacity: Int = 4096) {
        cache = DigestCache(capacity: capacity)
    }

    static func key(_ text: String, kinds: Set<EntityKind>) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(data: Array(kinds.map(\.rawValue).sorted().joined(separator: ",").utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(text.utf8))
        return hasher.finalize()
    }

    func spans(for key: SHA256Digest) -> [Candidate]? { cache.value(for: key) }

    func store(_ spans: [Candidate], for key: SHA256Digest) { cache.store(spans, for: key) }

    var count: Int { cache.count }
}
