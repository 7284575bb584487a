/// A value found once is PHI wherever it is said again: in the same text, or in another text of
/// the same conversation (a call's earlier messages, the agent's line that reads it back). A
/// recognizer sees each mention alone, and a later mention may lack what made the first one
/// certain: "this is priya reyes" has its cue, "You said: hi um this is priya reyes" puts the
/// lowercase name in cased text, where it scores lower; "Thanks, Priya" has no surname.
///
/// Two kinds of repeat are found, each at word boundaries and outside every span already found:
/// - the whole value again, in any case ("Priya Reyes", "priya reyes", "W987654321"), except a
///   value of one word of letters, which repeats only where it is written with a capital;
/// - one word of a name of two words or more, when it is written with a capital ("Priya",
///   "REYES"): a lowercase "will" or "may" is not taken for a caller named Will May.
/// Values must hold three letters or digits (four when they are digits only). Each repeat carries
/// the kind, pass and confidence of the value it repeats, and recognizer `repeat`.
///
/// Held in memory for one conversation only, like the detections it is built from.
public struct RepeatedValues: Sendable {
    private struct Value: Sendable {
        var scalars: [Unicode.Scalar]
        var source: Detection
        /// A word of a name: matched only where it starts with a capital.
        var capitalisedOnly: Bool
    }

    private var values: [Value] = []
    private var seen: Set<String> = []

    public init() {}

    public var isEmpty: Bool { values.isEmpty }

    public mutating func add(_ detections: some Sequence<Detection>) {
        for detection in detections { add(detection) }
    }

    public mutating func add(_ detection: Detection) {
        let whole = Array(detection.text.unicodeScalars.map(Self.lowercased)).trimmed
        let words = whole.split { !$0.properties.isAlphabetic }
        // One word of letters alone is weak evidence written in lowercase ("song", "battery"
        // tagged once in a lowercase transcript): it repeats only where it is capitalised.
        let oneWord = words.count == 1 && !whole.contains { $0.properties.numericType != nil }
        remember(whole, detection, capitalisedOnly: oneWord)
        guard detection.kind == .name, words.count >= 2 else { return }
        for word in words where word.count >= 3 { remember(Array(word), detection, capitalisedOnly: true) }
    }

    private mutating func remember(_ scalars: [Unicode.Scalar], _ source: Detection, capitalisedOnly: Bool) {
        let meaningful = scalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        let digitsOnly = meaningful.allSatisfy { $0.properties.numericType != nil }
        guard meaningful.count >= (digitsOnly ? 4 : 3) else { return }
        let key = "\(capitalisedOnly ? "w" : "v"):" + String(String.UnicodeScalarView(scalars))
        guard seen.insert(key).inserted else { return }
        values.append(Value(scalars: scalars, source: source, capitalisedOnly: capitalisedOnly))
    }

    /// Every repeat of a remembered value in `text` that no span of `existing` overlaps, in text order.
    public func repeats(in text: String, besides existing: [Detection]) -> [Detection] {
        guard !values.isEmpty else { return [] }
        let original = Array(text.unicodeScalars)
        let lower = original.map(Self.lowercased)
        var taken = existing.map { ($0.start, $0.end) }
        var found: [Detection] = []
        // Longer values first, so a whole name wins over one of its words.
        for value in values.sorted(by: { $0.scalars.count > $1.scalars.count }) {
            guard let first = value.scalars.first, value.scalars.count <= lower.count else { continue }
            var start = 0
            while start + value.scalars.count <= lower.count {
                defer { start += 1 }
                guard lower[start] == first, Self.isBoundary(lower, before: start) else { continue }
                let end = start + value.scalars.count
                guard Array(lower[start..<end]) == value.scalars, Self.isBoundary(lower, after: end) else { continue }
                if value.capitalisedOnly, !original[start].properties.isUppercase { continue }
                guard !taken.contains(where: { $0.0 < end && $0.1 > start }) else { continue }
                var repeated = Detection(pass: value.source.pass, kind: value.source.kind, start: start, end: end,
                                         text: String(String.UnicodeScalarView(original[start..<end])),
                                         confidence: value.source.confidence, recognizer: "repeat")
                repeated.speaker = nil
                found.append(repeated)
                taken.append((start, end))
            }
        }
        return found.sorted { $0.start < $1.start }
    }

    /// Case folded one scalar for one, so offsets stay those of the text.
    private static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let mapping = scalar.properties.lowercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first! : scalar
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func isBoundary(_ text: [Unicode.Scalar], before index: Int) -> Bool {
        index == 0 || !isWordScalar(text[index - 1])
    }

    private static func isBoundary(_ text: [Unicode.Scalar], after index: Int) -> Bool {
        index == text.count || !isWordScalar(text[index])
    }
}

private extension Array where Element == Unicode.Scalar {
    /// Without blanks at either end.
    var trimmed: [Unicode.Scalar] {
        var slice = self[...]
        while let first = slice.first, first.properties.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.properties.isWhitespace { slice.removeLast() }
        return Array(slice)
    }
}
