/// Pieces of a text by half-open Unicode-scalar offsets (the offsets detections carry).
///
/// Why not `Array(text.unicodeScalars)` and slice that: the server's detection cache answers for
/// every earlier message of a call on every turn, and building four bytes per scalar of each one
/// was most of what a hit cost. All-ASCII text (almost every transcript) is sliced by its UTF-8
/// bytes directly; other text walks its scalars once.
public enum ScalarSlices {
    /// `spans` in any order; an offset past the end is taken as the end.
    public static func slices(of text: String, _ spans: [(start: Int, end: Int)]) -> [String] {
        guard !spans.isEmpty else { return [] }
        var text = text
        let ascii: [String]? = text.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return spans.map { span in
                let lower = min(max(0, span.start), bytes.count), upper = min(max(lower, span.end), bytes.count)
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
            }
        }
        if let ascii { return ascii }
        let scalars = Array(text.unicodeScalars)
        return spans.map { span in
            let lower = min(max(0, span.start), scalars.count), upper = min(max(lower, span.end), scalars.count)
            var slice = String.UnicodeScalarView()
            slice.append(contentsOf: scalars[lower..<upper])
            return String(slice)
        }
    }
}
