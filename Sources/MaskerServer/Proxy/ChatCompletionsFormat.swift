import MaskerCore

/// OpenAI's chat completions (`POST /v1/chat/completions`), the wire format of the proxy's first
/// front door and of what Vapi, ElevenLabs, Pipecat and LiveKit send.
struct ChatCompletionsFormat: WireFormat {
    var endpoint: UpstreamEndpoint { .chatCompletions }

    func texts(_ request: JSONValue) throws -> [RequestText] { try RequestWalker.texts(request, as: .chatCompletions) }

    func rewrite(_ request: JSONValue, _ transform: @escaping RequestTransform) throws -> JSONValue {
        try RequestWalker.rewrite(request, as: .chatCompletions, transform)
    }

    var streamEnd: String { "[DONE]" }

    func answerText(_ answer: JSONValue) -> String { ChatAnswerText.of(answer) }

    func streamRestorer(_ rehydrator: Rehydrator) -> any StreamRestoring { ChatStreamRehydrator(rehydrator) }
}
