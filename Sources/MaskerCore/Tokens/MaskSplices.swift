/// What a masked text put in place of its spans, without the spans themselves: each replaced
/// span's Unicode-scalar offsets and what was written there (a token, a surrogate, a redaction
/// marker; a `passthrough` span writes nothing and is left out). `Masker.prepare` builds every
/// masked text from these, so applied to the same text they give back the same masked text, byte
/// for byte, with no detection and no minting.
///
/// Why kept: a voice platform sends a call's whole conversation on every turn, and the proxy masks
/// every earlier message again for the model. Detecting and minting it all again was most of what
/// turn 40 of a call cost over turn 1 (docs/performance.md, "Call length"). A call's history keeps
/// these instead (`CallHistory`). They hold no PHI: offsets, tokens, surrogates and markers only.
public struct MaskSplices: Sendable, Equatable {
    public struct Piece: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var replacement: String
        /// What was replaced, without its text (read again from the text when needed:
        /// `detections(in:)`), so a call's record holds no PHI.
        public var kind: EntityKind
        public var pass: DetectionPassName
        public var confidence: Double
    }

    public let pieces: [Piece]

    /// The replacements of one text, in text order and not overlapping (`Masker.plan`).
    public init(_ replacements: [MaskReplacement]) {
        pieces = replacements.compactMap { replacement in
            replacement.written.map {
                Piece(start: replacement.detection.start, end: replacement.detection.end, replacement: $0, kind: replacement.detection.kind,
                      pass: replacement.detection.pass, confidence: replacement.detection.confidence)
            }
        }
    }

    public init(_ result: MaskResult) { self.init(result.replacements) }

    /// The detections the pieces replaced, their text read from `text` (the text they were taken from).
    public func detections(in text: String) -> [Detection] {
        guard !pieces.isEmpty else { return [] }
        let slices = ScalarSlices.slices(of: text, pieces.map { ($0.start, $0.end) })
        return zip(pieces, slices).map { piece, value in
            Detection(pass: piece.pass, kind: piece.kind, start: piece.start, end: piece.end, text: value, confidence: piece.confidence,
                      recognizer: "recorded")
        }
    }

    /// `text` with each piece's span replaced: the caller guarantees it is the text the pieces were
    /// taken from (`CallHistory` keys them by a digest of it). The text between spans is copied as
    /// whole slices. (Appending scalar by scalar to a `String.UnicodeScalarView` copied the growing
    /// output again and again: a 3 MB text took seconds, half of it in memmove.)
    public func apply(to text: String) -> String {
        guard !pieces.isEmpty else { return text }
        let scalars = text.unicodeScalars
        var output = ""
        output.reserveCapacity(text.utf8.count + pieces.reduce(0) { $0 + $1.replacement.utf8.count })
        var cursor = scalars.startIndex
        var position = 0
        for piece in pieces where piece.start >= position {
            guard let start = scalars.index(cursor, offsetBy: piece.start - position, limitedBy: scalars.endIndex),
                  let end = scalars.index(start, offsetBy: piece.end - piece.start, limitedBy: scalars.endIndex) else { break }
            output.append(contentsOf: Substring(scalars[cursor..<start]))
            output.append(piece.replacement)
            cursor = end
            position = piece.end
        }
        output.append(contentsOf: Substring(scalars[cursor...]))
        return output
    }
}
