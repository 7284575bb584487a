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
        /// The same as bytes when every scalar is ASCII (a turn almost always is: searched as bytes).
        var ascii: [UInt8]?
        var source: Detection
        /// A word of a name, or a value of one word of letters: matched only where it starts
        /// with a capital.
        var capitalisedOnly: Bool
    }

    private struct Key: Hashable, Sendable {
        var scalars: [Unicode.Scalar]
        var capitalisedOnly: Bool
    }

    /// Longest first, so a whole name wins over one of its words.
    private var values: [Value] = []
    private var seen: Set<Key> = []

    public init() {}

    public var isEmpty: Bool { values.isEmpty }

    public mutating func add(_ detections: some Sequence<Detection>) {
        for detection in detections { add(detection) }
    }

    public mutating func add(_ detection: Detection) {
        var whole: [Unicode.Scalar] = []
        whole.reserveCapacity(detection.text.unicodeScalars.count)
        for scalar in detection.text.unicodeScalars { whole.append(Self.lowercased(scalar)) }
        while let last = whole.last, last.properties.isWhitespace { whole.removeLast() }
        let leading = whole.prefix { $0.properties.isWhitespace }.count
        if leading > 0 { whole.removeFirst(leading) }
        var words = 0, letters = 0, digits = 0, inWord = false
        for scalar in whole {
            if Self.isDigit(scalar) {
                digits += 1
            } else if Self.isLetter(scalar) {
                letters += 1
                if !inWord { words += 1 }
            }
            inWord = Self.isLetter(scalar)
        }
        // One word of letters alone is weak evidence written in lowercase ("song", "battery"
        // tagged once in a lowercase transcript): it repeats only where it is capitalised.
        guard letters + digits >= (letters == 0 ? 4 : 3) else { return }
        remember(whole, detection, capitalisedOnly: words == 1 && digits == 0)
        guard detection.kind == .name, words >= 2 else { return }
        for word in whole.split(whereSeparator: { !Self.isLetter($0) }) where word.count >= 3 {
            remember(Array(word), detection, capitalisedOnly: true)
        }
    }

    private mutating func remember(_ scalars: [Unicode.Scalar], _ source: Detection, capitalisedOnly: Bool) {
        guard seen.insert(Key(scalars: scalars, capitalisedOnly: capitalisedOnly)).inserted else { return }
        let ascii = scalars.allSatisfy(\.isASCII) ? scalars.map { UInt8($0.value) } : nil
        let value = Value(scalars: scalars, ascii: ascii, source: source, capitalisedOnly: capitalisedOnly)
        let place = values.firstIndex { $0.scalars.count < scalars.count } ?? values.endIndex
        values.insert(value, at: place)
    }

    /// Every repeat of a remembered value in `text` that no span of `existing` overlaps, in text order.
    public func repeats(in text: String, besides existing: [Detection]) -> [Detection] {
        guard !values.isEmpty else { return [] }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: bytes are scalars, and byte offsets scalar offsets.
            let bytes = Array(text.utf8)
            return find(in: bytes, lower: bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }, needle: \.ascii,
                        isWord: { (48...57).contains($0) || (97...122).contains($0) || (65...90).contains($0) },
                        isUpper: { (65...90).contains($0) }, slice: { String(decoding: bytes[$0], as: UTF8.self) }, besides: existing)
        }
        let scalars = Array(text.unicodeScalars)
        return find(in: scalars, lower: scalars.map(Self.lowercased), needle: \.scalars, isWord: Self.isWordScalar, isUpper: Self.isUppercase,
                    slice: { String(String.UnicodeScalarView(scalars[$0])) }, besides: existing)
    }

    private func find<Unit: Equatable>(in original: [Unit], lower: [Unit], needle: (Value) -> [Unit]?, isWord: (Unit) -> Bool,
                                       isUpper: (Unit) -> Bool, slice: (Range<Int>) -> String, besides existing: [Detection]) -> [Detection] {
        var taken = existing.map { ($0.start, $0.end) }
        var found: [Detection] = []
        for value in values {
            guard let units = needle(value), let first = units.first, units.count <= lower.count else { continue }
            let last = lower.count - units.count
            var start = 0
            while start <= last {
                defer { start += 1 }
                guard lower[start] == first, start == 0 || !isWord(lower[start - 1]) else { continue }
                let end = start + units.count
                guard end == lower.count || !isWord(lower[end]), lower[start..<end].elementsEqual(units) else { continue }
                if value.capitalisedOnly, !isUpper(original[start]) { continue }
                guard !taken.contains(where: { $0.0 < end && $0.1 > start }) else { continue }
                found.append(Detection(pass: value.source.pass, kind: value.source.kind, start: start, end: end, text: slice(start..<end),
                                       confidence: value.source.confidence, recognizer: "repeat"))
                taken.append((start, end))
            }
        }
        return found.sorted { $0.start < $1.start }
    }

    // Hand-written ASCII fast paths: a turn is almost all ASCII, and the Unicode property tables
    // (`Unicode.Scalar.Properties`) cost a lookup per scalar, which showed in the proxy's profile.

    /// Case folded one scalar for one, so offsets stay those of the text.
    private static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value < 128 {
            return (65...90).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar
        }
        let mapping = scalar.properties.lowercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first! : scalar
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 128 { return (97...122).contains(scalar.value) || (65...90).contains(scalar.value) }
        return scalar.properties.isAlphabetic
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 128 { return (48...57).contains(scalar.value) }
        return scalar.properties.numericType != nil
    }

    private static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 128 { return (65...90).contains(scalar.value) }
        return scalar.properties.isUppercase
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool { isLetter(scalar) || isDigit(scalar) }
}
