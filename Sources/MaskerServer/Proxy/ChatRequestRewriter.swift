import MaskerCore

/// Finds the text in an OpenAI chat-completions request that can carry PHI and rewrites it,
/// leaving every other field (and unknown fields) exactly where it was:
/// - `messages[*].content`: a string, or the `text` of each `{"type":"text"}` content part;
/// - `messages[*].tool_calls[*].function.arguments` and the legacy `function_call.arguments`: a
///   JSON document in a string, whose string *values* are rewritten and which stays valid JSON
///   (text that does not parse as JSON is rewritten as plain text);
/// - `tools[*].function.description`, `functions[*].description`, and every `description` inside
///   their parameter schemas;
/// - every string value inside the call metadata voice platforms add (`call`, `customer`,
///   `phoneNumber`, `metadata`: Vapi sends them to a custom LLM unless told not to, and they hold
///   the caller's number and name). Unknown fields otherwise pass through untouched; these are
///   rewritten rather than dropped, so a server that reads them still finds them.
enum ChatRequestRewriter {
    /// Top-level fields of platform call metadata, which carry the caller's details.
    static let callMetadataFields: Set<String> = ["call", "customer", "phoneNumber", "metadata"]

    typealias Transform = (String) throws -> String

    static func rewrite(_ request: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        try request.mappingMembers { key, value in
            switch key {
            case "messages":
                return try value.mappingElements { try rewriteMessage($0, transform) }
            case "tools":
                return try value.mappingElements { tool in
                    try tool.mappingMembers { key, function in
                        key == "function" ? try rewriteFunctionDefinition(function, transform) : function
                    }
                }
            case "functions":
                return try value.mappingElements { try rewriteFunctionDefinition($0, transform) }
            case _ where callMetadataFields.contains(key):
                return try rewriteStringValues(value, transform)
            default:
                return value
            }
        }
    }

    private static func rewriteMessage(_ message: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        try message.mappingMembers { key, value in
            switch (key, value) {
            case let ("content", .string(text)):
                return .string(try transform(text))
            case ("content", .array):
                return try value.mappingElements { part in
                    guard part["type"]?.stringValue == "text" else { return part }
                    return try part.mappingMembers { key, text in key == "text" ? try rewriteString(text, transform) : text }
                }
            case ("tool_calls", _):
                return try value.mappingElements { call in
                    try call.mappingMembers { key, function in
                        key == "function" ? try rewriteFunctionCall(function, transform) : function
                    }
                }
            case ("function_call", _):
                return try rewriteFunctionCall(value, transform)
            default:
                return value
            }
        }
    }

    private static func rewriteFunctionCall(_ call: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        try call.mappingMembers { key, arguments in
            guard key == "arguments", case let .string(text) = arguments else { return arguments }
            return .string(try rewriteArguments(text, transform))
        }
    }

    /// Tool-call arguments are JSON in a string: rewrite the values inside, keep it valid JSON.
    static func rewriteArguments(_ text: String, _ transform: Transform) rethrows -> String {
        guard let document = try? JSONParser.parse(text) else { return try transform(text) }
        return try rewriteStringValues(document, transform).serialized()
    }

    private static func rewriteStringValues(_ value: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        switch value {
        case let .string(text): return .string(try transform(text))
        case .array: return try value.mappingElements { try rewriteStringValues($0, transform) }
        case .object: return try value.mappingMembers { _, item in try rewriteStringValues(item, transform) }
        default: return value
        }
    }

    private static func rewriteFunctionDefinition(_ function: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        try function.mappingMembers { key, value in
            switch key {
            case "description": return try rewriteString(value, transform)
            case "parameters": return try rewriteDescriptions(value, transform)
            default: return value
            }
        }
    }

    /// Every `description` string anywhere inside a JSON schema.
    private static func rewriteDescriptions(_ value: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        switch value {
        case .object:
            return try value.mappingMembers { key, item in
                if key == "description", case let .string(text) = item { return .string(try transform(text)) }
                return try rewriteDescriptions(item, transform)
            }
        case .array:
            return try value.mappingElements { try rewriteDescriptions($0, transform) }
        default:
            return value
        }
    }

    private static func rewriteString(_ value: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        guard case let .string(text) = value else { return value }
        return .string(try transform(text))
    }
}
