import MaskerCore

/// Finds the text in an OpenAI chat-completions request that can carry PHI and rewrites it,
/// leaving every other field (and unknown fields) exactly where it was:
/// - `messages[*].content`: a string, or the `text` of each `{"type":"text"}` content part;
/// - `messages[*].tool_calls[*].function.arguments` and the legacy `function_call.arguments`: a
///   JSON document in a string, whose string *values* are rewritten and which stays valid JSON
///   (text that does not parse as JSON is rewritten as plain text);
/// - `tools[*].function.description`, `functions[*].description`, and every `description` inside
///   their parameter schemas.
enum ChatRequestRewriter {
    typealias Transform = (String) async throws -> String

    static func rewrite(_ request: JSONValue, _ transform: Transform) async throws -> JSONValue {
        try await request.mappingMembers { key, value in
            switch key {
            case "messages":
                return try await value.mappingElements { try await rewriteMessage($0, transform) }
            case "tools":
                return try await value.mappingElements { tool in
                    try await tool.mappingMembers { key, function in
                        key == "function" ? try await rewriteFunctionDefinition(function, transform) : function
                    }
                }
            case "functions":
                return try await value.mappingElements { try await rewriteFunctionDefinition($0, transform) }
            default:
                return value
            }
        }
    }

    private static func rewriteMessage(_ message: JSONValue, _ transform: Transform) async throws -> JSONValue {
        try await message.mappingMembers { key, value in
            switch (key, value) {
            case let ("content", .string(text)):
                return .string(try await transform(text))
            case ("content", .array):
                return try await value.mappingElements { part in
                    guard part["type"]?.stringValue == "text" else { return part }
                    return try await part.mappingMembers { key, text in key == "text" ? try await rewriteString(text, transform) : text }
                }
            case ("tool_calls", _):
                return try await value.mappingElements { call in
                    try await call.mappingMembers { key, function in
                        key == "function" ? try await rewriteFunctionCall(function, transform) : function
                    }
                }
            case ("function_call", _):
                return try await rewriteFunctionCall(value, transform)
            default:
                return value
            }
        }
    }

    private static func rewriteFunctionCall(_ call: JSONValue, _ transform: Transform) async throws -> JSONValue {
        try await call.mappingMembers { key, arguments in
            guard key == "arguments", case let .string(text) = arguments else { return arguments }
            return .string(try await rewriteArguments(text, transform))
        }
    }

    /// Tool-call arguments are JSON in a string: rewrite the values inside, keep it valid JSON.
    static func rewriteArguments(_ text: String, _ transform: Transform) async throws -> String {
        guard let document = try? JSONParser.parse(text) else { return try await transform(text) }
        return try await rewriteStringValues(document, transform).serialized()
    }

    private static func rewriteStringValues(_ value: JSONValue, _ transform: Transform) async throws -> JSONValue {
        switch value {
        case let .string(text): return .string(try await transform(text))
        case .array: return try await value.mappingElements { try await rewriteStringValues($0, transform) }
        case .object: return try await value.mappingMembers { _, item in try await rewriteStringValues(item, transform) }
        default: return value
        }
    }

    private static func rewriteFunctionDefinition(_ function: JSONValue, _ transform: Transform) async throws -> JSONValue {
        try await function.mappingMembers { key, value in
            switch key {
            case "description": return try await rewriteString(value, transform)
            case "parameters": return try await rewriteDescriptions(value, transform)
            default: return value
            }
        }
    }

    /// Every `description` string anywhere inside a JSON schema.
    private static func rewriteDescriptions(_ value: JSONValue, _ transform: Transform) async throws -> JSONValue {
        switch value {
        case .object:
            return try await value.mappingMembers { key, item in
                if key == "description", case let .string(text) = item { return .string(try await transform(text)) }
                return try await rewriteDescriptions(item, transform)
            }
        case .array:
            return try await value.mappingElements { try await rewriteDescriptions($0, transform) }
        default:
            return value
        }
    }

    private static func rewriteString(_ value: JSONValue, _ transform: Transform) async throws -> JSONValue {
        guard case let .string(text) = value else { return value }
        return .string(try await transform(text))
    }
}
