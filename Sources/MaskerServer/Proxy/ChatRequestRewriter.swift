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

    static func rewrite(_ request: JSONValue, _ transform: @escaping Transform) async throws -> JSONValue {
        guard case let .object(fields) = request else { return request }
        var output: [(String, JSONValue)] = []
        output.reserveCapacity(fields.count)
        for (key, value) in fields {
            switch (key, value) {
            case let ("messages", .array(messages)):
                var rewritten: [JSONValue] = []
                for message in messages { rewritten.append(try await rewriteMessage(message, transform)) }
                output.append((key, .array(rewritten)))
            case let ("tools", .array(tools)):
                var rewritten: [JSONValue] = []
                for tool in tools {
                    rewritten.append(try await rewriteFields(tool, ["function": { try await rewriteFunctionDefinition($0, transform) }]))
                }
                output.append((key, .array(rewritten)))
            case let ("functions", .array(functions)):
                var rewritten: [JSONValue] = []
                for function in functions { rewritten.append(try await rewriteFunctionDefinition(function, transform)) }
                output.append((key, .array(rewritten)))
            default:
                output.append((key, value))
            }
        }
        return .object(output)
    }

    private static func rewriteMessage(_ message: JSONValue, _ transform: @escaping Transform) async throws -> JSONValue {
        try await rewriteFields(message, [
            "content": { content in
                switch content {
                case let .string(text): return .string(try await transform(text))
                case let .array(parts):
                    var rewritten: [JSONValue] = []
                    for part in parts {
                        if part["type"]?.stringValue == "text" {
                            rewritten.append(try await rewriteFields(part, ["text": { try await rewriteString($0, transform) }]))
                        } else {
                            rewritten.append(part)
                        }
                    }
                    return .array(rewritten)
                default: return content
                }
            },
            "tool_calls": { calls in
                guard case let .array(items) = calls else { return calls }
                var rewritten: [JSONValue] = []
                for call in items {
                    rewritten.append(try await rewriteFields(call, ["function": { try await rewriteFunctionCall($0, transform) }]))
                }
                return .array(rewritten)
            },
            "function_call": { try await rewriteFunctionCall($0, transform) },
        ])
    }

    private static func rewriteFunctionCall(_ call: JSONValue, _ transform: @escaping Transform) async throws -> JSONValue {
        try await rewriteFields(call, ["arguments": { arguments in
            guard case let .string(text) = arguments else { return arguments }
            return .string(try await rewriteArguments(text, transform))
        }])
    }

    /// Tool-call arguments are JSON in a string: rewrite the values inside, keep it valid JSON.
    static func rewriteArguments(_ text: String, _ transform: @escaping Transform) async throws -> String {
        guard let document = try? JSONParser.parse(text) else { return try await transform(text) }
        return try await rewriteStringValues(document, transform).serialized()
    }

    private static func rewriteStringValues(_ value: JSONValue, _ transform: @escaping Transform) async throws -> JSONValue {
        switch value {
        case let .string(text): return .string(try await transform(text))
        case let .array(items):
            var rewritten: [JSONValue] = []
            for item in items { rewritten.append(try await rewriteStringValues(item, transform)) }
            return .array(rewritten)
        case let .object(fields):
            var rewritten: [(String, JSONValue)] = []
            for (key, item) in fields { rewritten.append((key, try await rewriteStringValues(item, transform))) }
            return .object(rewritten)
        default: return value
        }
    }

    private static func rewriteFunctionDefinition(_ function: JSONValue, _ transform: @escaping Transform) async throws -> JSONValue {
        try await rewriteFields(function, [
            "description": { try await rewriteString($0, transform) },
            "parameters": { try await rewriteDescriptions($0, transform) },
        ])
    }

    /// Every `description` string anywhere inside a JSON schema.
    private static func rewriteDescriptions(_ value: JSONValue, _ transform: @escaping Transform) async throws -> JSONValue {
        switch value {
        case let .object(fields):
            var rewritten: [(String, JSONValue)] = []
            for (key, item) in fields {
                if key == "description", case let .string(text) = item {
                    rewritten.append((key, .string(try await transform(text))))
                } else {
                    rewritten.append((key, try await rewriteDescriptions(item, transform)))
                }
            }
            return .object(rewritten)
        case let .array(items):
            var rewritten: [JSONValue] = []
            for item in items { rewritten.append(try await rewriteDescriptions(item, transform)) }
            return .array(rewritten)
        default: return value
        }
    }

    private static func rewriteString(_ value: JSONValue, _ transform: @escaping Transform) async throws -> JSONValue {
        guard case let .string(text) = value else { return value }
        return .string(try await transform(text))
    }

    /// Rewrites the named fields of an object in place; other fields and their order are kept.
    private static func rewriteFields(_ value: JSONValue, _ rewriters: [String: (JSONValue) async throws -> JSONValue]) async throws -> JSONValue {
        guard case let .object(fields) = value else { return value }
        var output: [(String, JSONValue)] = []
        output.reserveCapacity(fields.count)
        for (key, item) in fields {
            if let rewriter = rewriters[key] {
                output.append((key, try await rewriter(item)))
            } else {
                output.append((key, item))
            }
        }
        return .object(output)
    }
}
