import MaskerCore

/// The input of `masker mask` and `masker detect`, read a line at a time, unless the whole input is
/// one JSON document (an object or an array): then it is read whole and masked as data, each value
/// with its key as context (`JSONDocument`), so `{"mrn": "4829173"}` is masked although the value
/// alone is seven digits. JSON lines (one object per line) are not one document: they stay text,
/// as `--batch` is their format.
struct DocumentInput {
    let reader: ByteLineReader
    /// Pieces read ahead to find out, to be processed before the rest of the reader.
    private var pending: [String]
    /// The document, when the input is one.
    let document: JSONValue?

    init(_ reader: ByteLineReader) throws(CLIFailure) {
        self.reader = reader
        guard let first = try reader.nextText() else {
            pending = []
            document = nil
            return
        }
        guard first.drop(while: { $0.isWhitespace }).first.map({ $0 == "{" || $0 == "[" }) ?? false else {
            pending = [first]
            document = nil
            return
        }
        var pieces = [first]
        while let piece = try reader.nextText() { pieces.append(piece) }
        if let parsed = JSONDocument.parse(pieces.joined()) {
            pending = []
            document = parsed
        } else {
            pending = pieces
            document = nil
        }
    }

    /// The next piece of text (never called for a document).
    mutating func nextText() throws(CLIFailure) -> String? {
        if !pending.isEmpty { return pending.removeFirst() }
        return try reader.nextText()
    }

    /// The next piece, or under the `diarize` pass (`whole`) everything left as one text: a
    /// speaker's label holds until the next one, lines later, and whether an agent's line is kept
    /// depends on every value masked in the conversation (`ConversationSpeakers`).
    mutating func nextText(whole: Bool) throws(CLIFailure) -> String? {
        guard whole else { return try nextText() }
        let rest = try reader.nextText(whole: true)
        defer { pending = [] }
        guard !pending.isEmpty else { return rest }
        return pending.joined() + (rest ?? "")
    }
}
