/// Which back end ran the `gemma` pass for a turn: the model embedded in the binary, or an
/// OpenAI-compatible chat endpoint (`MASKER_GEMMA_URL`). Events carry it so a reader can tell a
/// turn the LLM saw from one that fell back to the embedded model.
public enum GemmaBackend: String, Sendable, CaseIterable {
    case embedded
    case llm

    /// The `Detection.recognizer` name its spans carry.
    public var recognizerName: String {
        switch self {
        case .embedded: "ner"
        case .llm: "llm"
        }
    }
}
