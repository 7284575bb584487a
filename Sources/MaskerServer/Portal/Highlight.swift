/// A text cut at the edges of its marked spans, for a template to escape and wrap: plain pieces
/// (`plain`) and marked ones (`mark`, with `kind`, `pass`, `confidence`). Overlapping or
/// out-of-range spans are skipped, never a crash.
enum Highlight {
    struct Mark {
        var start: Int
        var end: Int
        var kind: String
        var pass: String
        var confidence: Double
    }

    static func segments(_ text: String, _ marks: [Mark]) -> [[String: Any]] {
        let scalars = Array(text.unicodeScalars)
        var segments: [[String: Any]] = []
        var cursor = 0
        func slice(_ from: Int, _ to: Int) -> String { String(String.UnicodeScalarView(scalars[from..<to])) }
        for mark in marks.sorted(by: { $0.start < $1.start }) where mark.start >= cursor && mark.end <= scalars.count && mark.start < mark.end {
            if mark.start > cursor { segments.append(["plain": slice(cursor, mark.start)]) }
            segments.append(["mark": slice(mark.start, mark.end), "kind": mark.kind, "pass": mark.pass,
                             "confidence": String(format: "%.2f", mark.confidence)])
            cursor = mark.end
        }
        if cursor < scalars.count { segments.append(["plain": slice(cursor, scalars.count)]) }
        return segments
    }
}
