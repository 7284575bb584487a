import Crypto
import MaskerCore

/// Which of a call's texts are already on the record. A voice platform sends the whole
/// conversation on every turn; recording each earlier message again (its redaction events, its
/// vault entries, its counts) made a call's audit log grow with the square of its length, and
/// every turn of a long call pay again for all the turns before it.
///
/// A text counts as recorded once a turn that carried it is durable, and only at the place it
/// had then (`RequestWalker.Location`): a caller who says the same thing again says it in a
/// new message, at a new place, and that is recorded. A retry of the same turn is not recorded
/// twice. Keyed by a SHA-256 of the agent, the call, the place, what masks the text (pipeline,
/// scheme, key id) and the text itself, so a policy reload or a key rotation records it afresh;
/// like `DetectionCache`, it keeps no PHI.
///
/// Each recorded text keeps how it was masked (`MaskSplices`: offsets and tokens), so a later
/// turn that carries it again masks it the same way without detecting it or minting its tokens
/// again: that work was what made turn 40 of a call cost more than turn 1. Except when its turn's
/// detection fell back from the LLM back end: like `DetectionCache`, the history does not hold on
/// to what the pipeline found without it, and such a text is detected again each turn.
///
/// Bounded, oldest first. A text forgotten, or first seen on another replica, is recorded again:
/// the record may repeat itself, but never misses a text.
final class CallHistory: Sendable {
    private let recorded: DigestCache<SHA256Digest, Recorded>

    /// What the history keeps of a recorded text.
    enum Recorded: Sendable, Equatable {
        /// Masked from these on every later turn.
        case masked(MaskSplices)
        /// Detected and masked again on every later turn (but not recorded again).
        case detectAgain
    }

    init(capacity: Int = 65_536) {
        recorded = DigestCache(capacity: capacity)
    }

    /// What masks a call's texts: any change to it makes every text new.
    struct Context: Sendable {
        var agentID: String
        var sessionID: String
        var pipeline: UInt64
        var tokenization: TokenizationScheme
        var kid: String
    }

    func key(_ text: String, at location: RequestWalker.Location, in context: Context) -> SHA256Digest {
        var hasher = SHA256()
        // Every variable-length field is length-prefixed, so no two inputs hash the same bytes.
        // Hashed in place: a copy of each text into an array was a tenth of this on turn 40.
        func add(_ string: String) {
            var string = string
            string.withUTF8 { bytes in
                withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { hasher.update(bufferPointer: $0) }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
            }
        }
        withUnsafeBytes(of: context.pipeline.littleEndian) { hasher.update(bufferPointer: $0) }
        add(context.agentID)
        add(context.sessionID)
        add(context.tokenization.rawValue)
        add(context.kid)
        add(location.description)
        add(text)
        return hasher.finalize()
    }

    /// What is kept of the text under `key`; nil while it is new.
    func recorded(_ key: SHA256Digest) -> Recorded? { recorded.value(for: key) }

    func isRecorded(_ key: SHA256Digest) -> Bool { recorded(key) != nil }

    /// Call once the turn that carried these texts is durable, never before: a turn that failed
    /// left nothing on the record, so its texts must count as new when the caller tries again.
    func markRecorded(_ texts: [(key: SHA256Digest, kept: Recorded)]) {
        for text in texts { recorded.store(text.kept, for: text.key) }
    }

    var count: Int { recorded.count }
}
