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
///   the caller's number and name). Unknown fields otherwise pass through untouched. The proxy
///   drops the first three before this runs unless `MASKER_FORWARD_CALL_METADATA` is on
///   (`platformCallFields`); when they stay, they are masked here.
enum ChatRequestRewriter {
    /// Top-level fields of platform call metadata, which carry the caller's details.
    static let callMetadataFields: Set<String> = ["call", "customer", "phoneNumber", "metadata"]
    /// The ones that are no model's parameters (`metadata` is one of OpenAI's): Vapi's call,
    /// customer and phone-number objects.
    static let platformCallFields: Set<String> = ["call", "customer", "phoneNumber"]

    /// The request without `platformCallFields`.
    static func droppingPlatformCallFields(_ request: JSONValue) -> JSONValue {
        guard case let .object(fields) = request, fields.contains(where: { platformCallFields.contains($0.0) }) else { return request }
        return .object(fields.filter { !platformCallFields.contains($0.0) })
    }

    /// Where a rewritten string sits in the request: the top-level field, the element of it
    /// (a message's index, a tool's) and the string's place among that element's strings, as
    /// `messages[3]#0`. Made of field names this type knows and numbers only, never of a key or a
    /// value from the request, so it may go on the record (an audit event's `detail.field`).
    ///
    /// A voice platform sends the whole conversation on every turn, so the same message comes
    /// back at the same place; `CallHistory` uses this to tell history from what a turn adds.
    struct Location: Hashable, Sendable, CustomStringConvertible {
        var field: String
        var element: Int?
        var ordinal: Int

        var description: String { element.map { "\(field)[\($0)]#\(ordinal)" } ?? "\(field)#\(ordinal)" }
    }

    typealias Transform = (String) throws -> String
    typealias LocatedTransform = (String, Location) throws -> String

    static func rewrite(_ request: JSONValue, _ transform: Transform) rethrows -> JSONValue {
        try rewrite(request) { text, _ in try transform(text) }
    }

    /// Visits the PHI-bearing strings in document order, each with its `Location`.
    static func rewrite(_ request: JSONValue, located transform: LocatedTransform) rethrows -> JSONValue {
        try withoutActuallyEscaping(transform) { transform in
            try request.mappingMembers { key, value in
                // The strings of one element (or of one metadata field) are numbered in visit order.
                func numbered(_ element: Int?) -> Transform {
                    var ordinal = 0
                    return { text in
                        defer { ordinal += 1 }
                        return try transform(text, Location(field: key, element: element, ordinal: ordinal))
                    }
                }
                func eachElement(_ rewriteOne: (JSONValue, Transform) throws -> JSONValue) rethrows -> JSONValue {
                    guard case let .array(items) = value else { return value }
                    return .array(try items.enumerated().map { index, item in try rewriteOne(item, numbered(index)) })
                }
                switch key {
                case "messages":
                    return try eachElement { message, transform in try rewriteMessage(message, transform) }
                case "tools":
                    return try eachElement { tool, transform in
                        try tool.mappingMembers { key, function in
                            key == "function" ? try rewriteFunctionDefinition(function, transform) : function
                        }
                    }
                case "functions":
                    return try eachElement { function, transform in try rewriteFunctionDefinition(function, transform) }
                case _ where callMetadataFields.contains(key):
                    return try rewriteStringValues(value, numbered(nil))
                default:
                    return value
                }
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
