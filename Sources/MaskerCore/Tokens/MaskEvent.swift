extension MaskReplacement {
    /// A masked span as `masker mask --json`, `masker synthesize --json`, `/api/v1/mask`,
    /// `/api/v1/synthesize` and transcripts write it: `{"pass","kind","span","confidence","action"}`,
    /// with `"output_span"` (where its replacement sits in the output) when given, `"backend"` on
    /// the `gemma` pass's spans and `"speaker"` when the speakers are known. No text: the masked
    /// output shows what replaced it. `offset` shifts the span when several pieces are masked as
    /// one text (`output` is given already shifted).
    public func event(offset: Int = 0, output: (start: Int, end: Int)? = nil) -> JSONValue {
        detection.event(includingText: false, offset: offset, output: output, action: action)
    }
}
