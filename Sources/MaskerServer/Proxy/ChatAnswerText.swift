import MaskerCore

/// The readable text of a chat-completions answer (or of one streamed chunk), for the portal's
/// answer panels: each choice's content (a string or text parts), refusal, and tool calls as
/// `[tool NAME] ARGUMENTS`. A streamed answer's text is its chunks' texts joined; a tool call's
/// name comes in its first chunk, its arguments in pieces after.
enum ChatAnswerText {
    static func of(_ answer: JSONValue) -> String {
        guard case let .array(choices)? = answer["choices"] else { return "" }
        var text = ""
        for choice in choices {
            if let legacy = choice["text"]?.stringValue { text += legacy }
            guard let message = choice["message"] ?? choice["delta"] else { continue }
            text += content(message["content"])
            if let refusal = message["refusal"]?.stringValue { text += refusal }
            guard case let .array(calls)? = message["tool_calls"] else { continue }
            for call in calls {
                if let name = call["function"]?["name"]?.stringValue { text += (text.isEmpty ? "" : "\n") + "[tool \(name)] " }
                if let arguments = call["function"]?["arguments"]?.stringValue { text += arguments }
            }
        }
        return text
    }

    private static func content(_ value: JSONValue?) -> String {
        switch value {
        case let .string(text)?: return text
        case let .array(parts)?: return parts.compactMap { $0["text"]?.stringValue }.joined()
        default: return ""
        }
    }
}
