extension MaskReplacement {
    /// A masked span as `masker mask --json`, `/api/v1/mask`, the playground and transcripts write
    /// it: `{"pass","kind","span","confidence","action"}`, with `"backend"` on the `gemma` pass's
    /// spans and `"speaker"` when the speakers are known. No text: the masked output shows what
    /// replaced it. `offset` shifts the span when several pieces are masked as one text.
    public func event(offset: Int = 0) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("pass", .string(detection.pass.rawValue)), ("kind", .string(detection.kind.rawValue)),
            ("span", .array([.int(detection.start + offset), .int(detection.end + offset)])),
            ("confidence", .double((detection.confidence * 1000).rounded() / 1000)),
            ("action", .string(action.rawValue)),
        ]
        if let backend = detection.backend { fields.append(("backend", .string(backend.rawValue))) }
        if let speaker = detection.speaker { fields.append(("speaker", .string(speaker.rawValue))) }
        return .object(fields)
    }
}
