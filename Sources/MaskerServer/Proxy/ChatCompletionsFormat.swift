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

    func streamRestorer(_ rehydrator: Rehydrator) -> any StreamRestoring { ChatStreamRestorer(ChatStreamRehydrator(rehydrator)) }
}

/// Chat-completion chunks through `ChatStreamRehydrator`; `[DONE]` first releases what is held.
struct ChatStreamRestorer: StreamRestoring {
    var rehydrator: ChatStreamRehydrator

    init(_ rehydrator: ChatStreamRehydrator) { self.rehydrator = rehydrator }

    mutating func restore(_ data: String) async -> (came: JSONValue?, output: [StreamOutput], finished: Bool) {
        if data == "[DONE]" {
            return (nil, (await rehydrator.finishStream()).map { [.event($0), .done] } ?? [.done], true)
        }
        guard let chunk = try? JSONParser.parse(data) else { return (nil, [], false) } // not JSON: nothing a client could use
        return (chunk, [.event(await rehydrator.rehydrate(chunk: chunk))], false)
    }

    mutating func finish() async -> [JSONValue] { (await rehydrator.finishStream()).map { [$0] } ?? [] }

    mutating func takeEvents() -> [RehydrationEvent] { rehydrator.takeEvents() }
}
