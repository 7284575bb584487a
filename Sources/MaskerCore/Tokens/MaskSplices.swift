/// What a masked text put in place of its spans, without the spans themselves: each replaced
/// span's Unicode-scalar offsets and what was written there (a token, a surrogate, a redaction
/// marker; a `passthrough` span writes nothing and is left out). Applied to the same text, it gives
/// back the same masked text, byte for byte, with no detection and no minting.
///
/// Why: a voice platform sends a call's whole conversation on every turn, and the proxy masks
/// every earlier message again for the model. Detecting and minting it all again was most of what
/// turn 40 of a call cost over turn 1 (docs/performance.md, "Call length"). A call's history keeps
/// these instead (`CallHistory`). They hold no PHI: offsets, tokens, surrogates and markers only.
public struct MaskSplices: Sendable, Equatable {
    public struct Piece: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var replacement: String
    }

    public let pieces: [Piece]

    public init(_ result: MaskResult) {
        pieces = result.replacements.compactMap { replacement in
            replacement.written.map { Piece(start: replacement.detection.start, end: replacement.detection.end, replacement: $0) }
        }
    }

    /// `text` masked as it was when these were taken: the caller guarantees it is the same text
    /// (`CallHistory` keys them by a digest of it).
    public func apply(to text: String) -> String {
        pieces.isEmpty ? text : Masker.replacing(pieces.map { ($0.start, $0.end, $0.replacement) }, in: text)
    }
}
