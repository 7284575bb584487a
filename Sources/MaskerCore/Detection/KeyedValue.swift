/// A JSON value detected with its key as context (`FieldKey`): what the pipeline reads is
/// "member id: XJH123456789", and the spans it finds are moved back onto the value.
///
/// When the key names a kind and the value is short enough to be one value rather than prose
/// (at most 120 characters and 12 words), the whole value is that kind unless detection already
/// covers all of it: `{"mrn": "4829173"}` is masked although no recognizer calls seven bare digits
/// a record number. Long values (a `notes` field) get context, not the whole-value rule.
public struct KeyedValue: Sendable, Equatable {
    public let value: String
    /// The key's words (`FieldKey.context`), or nil for a value without a key (an array element
    /// at the top, a key itself).
    public let context: String?
    public let kind: EntityKind?
    /// What the pipeline reads, made once: a turn asks for it to key its history, to detect and
    /// to find repeated texts.
    public let detectionText: String

    public init(_ value: String, key: String?) {
        self.value = value
        let words = key.map(FieldKey.words) ?? []
        context = FieldKey.context(words: words)
        kind = FieldKey.kind(words: words)
        detectionText = context.map { $0 + ": " + value } ?? value
    }

    /// A value read as it is, with no key: prose (a message's content) or a key itself.
    public init(plain value: String) {
        self.value = value
        context = nil
        kind = nil
        detectionText = value
    }

    private var prefixLength: Int { context.map { $0.unicodeScalars.count + 2 } ?? 0 }

    /// The detections of `detectionText`, as spans of `value`, with the key's kind applied when
    /// `policy` enables that kind.
    public func detections(_ found: [Detection], policy: Policy) -> [Detection] {
        let shift = prefixLength
        var detections: [Detection] = found.compactMap { detection in
            guard detection.end > shift else { return nil } // found in the key, not the value
            var moved = detection
            moved.start = max(0, detection.start - shift)
            moved.end = detection.end - shift
            if detection.start < shift { moved.text = ScalarSlices.slices(of: value, [(moved.start, moved.end)])[0] }
            return moved
        }
        guard let kind, policy.entities[kind]?.enabled == true, let whole = wholeValueSpan else { return detections }
        if let covering = detections.firstIndex(where: { $0.start <= whole.start && $0.end >= whole.end }) {
            // Found whole already: the key sharpens a kind of its family (a date under `dob` is a
            // date of birth, an identifier under `ssn` an SSN) and settles the tagger's guess
            // between a name and a place (`city`); it never overrules a shaped identifier of
            // another family (an email under `contact`).
            let found = detections[covering]
            if found.kind != kind, FieldKey.sameFamily(found.kind, kind) || found.pass == .gemma { detections[covering].kind = kind }
            return detections
        }
        // The largest detection inside names the kind when it covers most of the value (an email
        // under "contact"); otherwise the key does.
        let inside = detections.filter { $0.start < whole.end && $0.end > whole.start }
        let largest = inside.max { $0.length < $1.length }
        let chosen = largest.flatMap { $0.length * 5 >= (whole.end - whole.start) * 3 ? $0.kind : nil } ?? kind
        detections.removeAll { $0.start < whole.end && $0.end > whole.start }
        let text = ScalarSlices.slices(of: value, [whole])[0]
        detections.append(Detection(pass: .regex, kind: chosen, start: whole.start, end: whole.end, text: text, confidence: 0.9,
                                    recognizer: "field_key"))
        return detections.sorted { $0.start < $1.start }
    }

    /// The value without surrounding blanks, when it is one value (not prose) with at least two
    /// letters or digits.
    var wholeValueSpan: (start: Int, end: Int)? {
        let scalars = Array(value.unicodeScalars)
        guard scalars.count <= 120 else { return nil }
        var start = 0, end = scalars.count
        while start < end, scalars[start].properties.isWhitespace { start += 1 }
        while end > start, scalars[end - 1].properties.isWhitespace { end -= 1 }
        let alphanumerics = scalars[start..<end].filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }.count
        guard alphanumerics >= 2 else { return nil }
        let words = value.split(whereSeparator: { $0.isWhitespace }).count
        guard words <= 12 else { return nil }
        let lowered = String(String.UnicodeScalarView(scalars[start..<end])).lowercased()
        guard !Self.empties.contains(lowered) else { return nil }
        return (start, end)
    }

    /// Values that say there is no value.
    static let empties: Set<String> = ["null", "none", "n/a", "na", "unknown", "true", "false", "nil", "undefined", "-", "tbd"]
}
