import MaskerCore

/// OpenAI's Responses API (`POST /v1/responses`), which LiveKit recommends and ElevenLabs accepts.
/// A whole answer is restored as any JSON is (`ChatResponseRehydrator`: every string, tool-call
/// `arguments` kept valid JSON); a stream by `ResponsesStreamRestorer`.
struct ResponsesFormat: WireFormat {
    var endpoint: UpstreamEndpoint { .responses }

    func texts(_ request: JSONValue) throws -> [RequestText] { try RequestWalker.texts(request, as: .responses) }

    func rewrite(_ request: JSONValue, _ transform: @escaping RequestTransform) throws -> JSONValue {
        try RequestWalker.rewrite(request, as: .responses, transform)
    }

    var streamEnd: String { "response.completed" }

    func answerText(_ answer: JSONValue) -> String { ResponsesAnswerText.of(answer) }

    func streamRestorer(_ rehydrator: Rehydrator) -> any StreamRestoring { ResponsesStreamRestorer(rehydrator) }
}

/// The readable text of a Responses answer, for the portal's panels: its output messages' text and
/// refusals, and function calls as `[tool NAME] ARGUMENTS`. Of a streamed event, what it adds: the
/// deltas, and a call's name when its item is added (the `.done` events repeat the whole text and
/// add nothing).
enum ResponsesAnswerText {
    static func of(_ answer: JSONValue) -> String {
        guard let type = answer["type"]?.stringValue else { return output(answer["output"]) }
        switch type {
        case "response.output_text.delta", "response.refusal.delta", "response.function_call_arguments.delta":
            return answer["delta"]?.stringValue ?? ""
        case "response.output_item.added":
            guard answer["item"]?["type"]?.stringValue == "function_call", let name = answer["item"]?["name"]?.stringValue else { return "" }
            return "\n[tool \(name)] "
        default:
            return ""
        }
    }

    private static func output(_ value: JSONValue?) -> String {
        guard case let .array(items)? = value else { return "" }
        var text: [String] = []
        for item in items {
            switch item["type"]?.stringValue {
            case "message":
                guard case let .array(parts)? = item["content"] else { continue }
                text.append(parts.compactMap { $0["text"]?.stringValue ?? $0["refusal"]?.stringValue }.joined())
            case "function_call":
                text.append("[tool \(item["name"]?.stringValue ?? "")] \(item["arguments"]?.stringValue ?? "")")
            default: continue
            }
        }
        return text.joined(separator: "\n")
    }
}
