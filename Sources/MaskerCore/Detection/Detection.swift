/// One detected span of PHI. `start`/`end` are half-open Unicode-scalar offsets into the input
/// (the numbers a Python `str` slice uses). `text` is the PHI itself: it lives in memory and on the
/// caller's own terminal only, and must never be written to a log, database or audit record.
public struct Detection: Sendable, Equatable {
    public var pass: DetectionPassName
    public var kind: EntityKind
    public var start: Int
    public var end: Int
    public var text: String
    public var confidence: Double
    /// Which recognizer found it (for `masker eval` breakdowns); not part of the event.
    public var recognizer: String
    /// Who said it, when the conversation's speakers are known (the `diarize` pass, a recording's
    /// turns); nil otherwise.
    public var speaker: Speaker?
    /// Left in the text because its speaker's lines are not masked (`mask_speakers`,
    /// `SpeakerFilter`): `Masker` treats it as `passthrough`, and the event still reports it.
    public var keptForSpeaker = false

    public init(pass: DetectionPassName, kind: EntityKind, start: Int, end: Int, text: String,
                confidence: Double, recognizer: String) {
        self.pass = pass
        self.kind = kind
        self.start = start
        self.end = end
        self.text = text
        self.confidence = confidence
        self.recognizer = recognizer
    }

    public var length: Int { end - start }

    /// Which back end of the `gemma` pass found it; nil for the other passes.
    public var backend: GemmaBackend? {
        guard pass == .gemma else { return nil }
        return recognizer == GemmaBackend.llm.recognizerName ? .llm : .embedded
    }

    /// The detection event of SPEC section 2: `{"pass","kind","span":[start,end],"text","confidence"}`,
    /// with `"backend"` (`embedded` or `llm`) on the `gemma` pass's events and `"speaker"` when
    /// the speakers are known.
    public var event: JSONValue { event(includingText: true) }

    /// Every event shape built from one span, so each carries the same members in the same
    /// order: `pass`, `kind`, `span` (shifted by `offset`), `output_span`, `text` (only the
    /// caller's own terminal sees it: the API's and masking events leave it out), `confidence`,
    /// `action`, `backend`, `speaker`, each only where it applies.
    public func event(includingText: Bool, offset: Int = 0, output: (start: Int, end: Int)? = nil,
                      action: EntityAction? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("pass", .string(pass.rawValue)), ("kind", .string(kind.rawValue)),
            ("span", .array([.int(start + offset), .int(end + offset)])),
        ]
        if let output { fields.append(("output_span", .array([.int(output.start), .int(output.end)]))) }
        if includingText { fields.append(("text", .string(text))) }
        fields.append(("confidence", .double((confidence * 1000).rounded() / 1000)))
        if let action { fields.append(("action", .string(action.rawValue))) }
        if let backend { fields.append(("backend", .string(backend.rawValue))) }
        if let speaker { fields.append(("speaker", .string(speaker.rawValue))) }
        return .object(fields)
    }
}
