import Crypto
import MaskerCore

/// Detections for texts the proxy has already read. A voice platform sends the whole conversation
/// on every turn, so without this every earlier message, and the system prompt, is detected again
/// on each turn: a call's detection work would grow with the square of its length.
///
/// Keyed by a SHA-256 of the pipeline's identity and the text; each entry holds kinds, passes,
/// offsets and confidences, never the text: the cache keeps no PHI, and a hit slices the spans'
/// text out of the message in hand. Bounded; the oldest entries go first. A policy reload builds a
/// new pipeline with a new identity, so no text is answered for under a policy it did not run.
final class DetectionCache: Sendable {
    private struct Span: Sendable {
        var pass: DetectionPassName
        var kind: EntityKind
        var start: Int
        var end: Int
        var confidence: Double
        var recognizer: String
    }

    private let cache: DigestCache<SHA256Digest, [Span]>

    init(capacity: Int = 8192) {
        cache = DigestCache(capacity: capacity)
    }

    static func key(_ text: String, pipeline: UInt64) -> SHA256Digest {
        var hasher = SHA256()
        withUnsafeBytes(of: pipeline.littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: Array(text.utf8))
        return hasher.finalize()
    }

    /// The detections stored for `key`, with their text taken from `text` (the text the key was
    /// made from); nil when the text has not been seen.
    func detections(for key: SHA256Digest, in text: String) -> [Detection]? {
        guard let spans = cache.value(for: key) else { return nil }
        let texts = ScalarSlices.slices(of: text, spans.map { ($0.start, $0.end) })
        return zip(spans, texts).map { span, slice in
            Detection(pass: span.pass, kind: span.kind, start: span.start, end: span.end, text: slice,
                      confidence: span.confidence, recognizer: span.recognizer)
        }
    }

    func store(_ detections: [Detection], for key: SHA256Digest) {
        let spans = detections.map {
            Span(pass: $0.pass, kind: $0.kind, start: $0.start, end: $0.end, confidence: $0.confidence, recognizer: $0.recognizer)
        }
        cache.store(spans, for: key)
    }

    var count: Int { cache.count }
}
