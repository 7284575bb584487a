import MaskerCore

/// One text of a request to mask, as `ChatRequestWalker` hands it over.
struct RequestText {
    /// The text, with the key it sits under as context when it is data.
    var keyed: KeyedValue
    var location: ChatRequestWalker.Location
    /// For a message's content (a string or a text part): the message's index and role, so a
    /// number cut between two messages is found (`SplitNumbers`).
    var message: (index: Int, role: String)?
}

/// Deny by default, for OpenAI's chat-completions request: every member of the request is either
/// a structural field of the schema, checked against its documented type and forwarded as it is,
/// or text, which is handed to the transform (masked). Nothing else exists:
/// - structural (the allow-list, docs/server.md): `model`, `stream`, sampling numbers, `role` and
///   `type` words, `tool_choice` modes, booleans, `logit_bias` token ids, `stream_options`,
///   `service_tier`, `modalities`, JSON-schema keywords and numbers. Words must look like the
///   schema's lower-case keywords (`RequestShape.keyword`): a name put there is refused, not sent;
/// - identifiers the model needs unchanged (tool names, tool-call ids, file and audio ids) are
///   never masked: they must be opaque (`OpaqueID`) or the request is refused;
/// - prose: message content and text parts, `refusal`, `reasoning_content`, descriptions,
///   titles, `stop`, `prediction`;
/// - data, read with each key as context (`JSONFields`, `KeyedValue`): `metadata`, tool-call
///   arguments and tool results (JSON inside a string, kept valid JSON), `enum`/`default`/
///   `examples`/`const` of parameter schemas, `user`, `safety_identifier`, `prompt_cache_key`,
///   and every member the schema does not know, at any depth: a field added tomorrow is masked;
/// - image URLs keep their host and have their path segments and query values masked; images,
///   audio and files sent as bytes cannot be read, so they are refused.
/// A known field of the wrong shape (messages as a string, content as a number, arguments as an
/// object) is refused before anything is sent (`RequestRefusal`, 400 with the field's path).
///
/// Texts are visited in document order, the same order every time, so a first pass can collect
/// them for detection and a second one write the masked request.
final class ChatRequestWalker {
    /// Where a text sits in the request: the top-level field, the element of it (a message's
    /// index, a tool's) and the text's place among that element's texts, as `messages[3]#0`.
    /// Made of field names this type knows and numbers only, never of a key or a value from the
    /// request, so it may go on the record (an audit event's `detail.field`). An unknown top-level
    /// member is `extra[n]`, n its position.
    ///
    /// A voice platform sends the whole conversation on every turn, so the same message comes
    /// back at the same place; `CallHistory` uses this to tell history from what a turn adds.
    struct Location: Hashable, Sendable, CustomStringConvertible {
        var field: String
        var element: Int?
        var ordinal: Int

        var description: String { element.map { "\(field)[\($0)]#\(ordinal)" } ?? "\(field)#\(ordinal)" }
    }

    typealias Transform = (RequestText) throws -> String?

    /// Top-level fields of platform call metadata, which carry the caller's details (Vapi sends
    /// them to a custom LLM unless told not to) and are no model's parameters.
    static let platformCallFields: Set<String> = ["call", "customer", "phoneNumber"]

    /// The request without `platformCallFields`.
    static func droppingPlatformCallFields(_ request: JSONValue) -> JSONValue {
        guard case let .object(fields) = request, fields.contains(where: { platformCallFields.contains($0.0) }) else { return request }
        return .object(fields.filter { !platformCallFields.contains($0.0) })
    }

    /// The request with every text replaced by what `transform` returns for it (nil: unchanged).
    static func rewrite(_ request: JSONValue, _ transform: @escaping Transform) throws -> JSONValue {
        try ChatRequestWalker(transform).request(request)
    }

    /// Checks the request's shape and identifiers, and lists its texts.
    static func texts(_ request: JSONValue) throws -> [RequestText] {
        var texts: [RequestText] = []
        _ = try rewrite(request) { text in
            texts.append(text)
            return nil
        }
        return texts
    }

    private let transform: Transform
    private var field = ""
    private var element: Int?
    private var ordinal = 0
    private var message: (index: Int, role: String)?

    private init(_ transform: @escaping Transform) {
        self.transform = transform
    }

    private func begin(_ field: String, element: Int?) {
        self.field = field
        self.element = element
        ordinal = 0
        message = nil
    }

    // MARK: - Texts

    private func emit(_ keyed: KeyedValue) throws -> String? {
        defer { ordinal += 1 }
        return try transform(RequestText(keyed: keyed, location: Location(field: field, element: element, ordinal: ordinal), message: message))
    }

    /// A string read as prose; `null` passes.
    private func prose(_ value: JSONValue) throws -> JSONValue {
        if value == .null { return value }
        let text = try RequestShape.string(value)
        return try emit(KeyedValue(plain: text)).map(JSONValue.string) ?? value
    }

    /// A string read with its key as context; `null` passes.
    private func keyedText(_ value: JSONValue, key: String) throws -> JSONValue {
        if value == .null { return value }
        let text = try RequestShape.string(value)
        return try emit(KeyedValue(text, key: key)).map(JSONValue.string) ?? value
    }

    /// Any JSON, every string, key and identifier-like number in it masked with its key as context.
    private func data(_ value: JSONValue, key: String?) throws -> JSONValue {
        try JSONFields.rewrite(value, key: key) { keyed, _ in try self.emit(keyed) }
    }

    /// A name that must stay a name (a schema's property): masked as plain text unless it names a
    /// kind itself (then it is a key, not PHI).
    private func keyName(_ name: String) throws -> String {
        guard FieldKey.kind(name) == nil else { return name }
        return try emit(KeyedValue(plain: name)) ?? name
    }

    /// Text that may hold a JSON document (a tool's result): masked as data and kept valid JSON
    /// when it is one, as prose otherwise.
    private func proseOrJSON(_ text: String) throws -> String {
        if let document = JSONDocument.parse(text) {
            // Data, not a caller's words: no number runs from it into the next message.
            let saved = message
            message = nil
            defer { message = saved }
            return try data(document, key: nil).serialized()
        }
        return try emit(KeyedValue(plain: text)) ?? text
    }

    /// Function-call arguments: JSON in a string. Masked as data, kept valid JSON; text that does
    /// not parse is masked as prose.
    private func arguments(_ value: JSONValue) throws -> JSONValue {
        if value == .null { return value }
        let text = try RequestShape.string(value)
        if let document = try? JSONParser.parse(text) {
            return .string(try data(document, key: nil).serialized())
        }
        return try emit(KeyedValue(plain: text)).map(JSONValue.string) ?? value
    }

    /// The members of an object, each through `member`, unknown ones as data under their key.
    private func members(_ value: JSONValue, orNull: Bool = true,
                         _ member: (String, JSONValue) throws -> JSONValue?) throws -> JSONValue {
        guard let members = try RequestShape.object(value, orNull: orNull) else { return value }
        return .object(try members.map { key, item in
            let known: JSONValue?
            do {
                known = try member(key, item)
            } catch let refusal as RequestRefusal {
                throw refusal.at("." + key) // a key the schema knows: only those can be refused
            }
            if let known { return (key, known) }
            return (try keyName(key), try data(item, key: key))
        })
    }

    private func elements(_ value: JSONValue, orNull: Bool = true,
                          _ element: (JSONValue, Int) throws -> JSONValue) throws -> JSONValue {
        guard let items = try RequestShape.array(value, orNull: orNull) else { return value }
        return .array(try items.enumerated().map { index, item in
            do {
                return try element(item, index)
            } catch let refusal as RequestRefusal {
                throw refusal.at("[\(index)]")
            }
        })
    }

    // MARK: - The request

    private func request(_ value: JSONValue) throws -> JSONValue {
        guard case let .object(members) = value else { throw RequestRefusal.shape("a JSON object") }
        guard members.contains(where: { $0.0 == "messages" }) else {
            throw RequestRefusal(.invalidRequest, "is required: send the conversation as an array of messages").at("messages")
        }
        var output: [(String, JSONValue)] = []
        for (position, (key, item)) in members.enumerated() {
            if Self.topLevel.contains(key) {
                begin(key, element: nil)
                do {
                    output.append((key, try topLevelMember(key, item)))
                } catch let refusal as RequestRefusal {
                    throw refusal.at(key)
                }
            } else {
                // Unknown: data under its key, the key itself masked unless it names a kind.
                begin("extra", element: position)
                output.append((try keyName(key), try data(item, key: key)))
            }
        }
        return .object(output)
    }

    /// The members of the request the schema knows.
    static let topLevel: Set<String> = Set([
        "model", "messages", "stream", "logprobs", "parallel_tool_calls", "store", "temperature", "top_p", "presence_penalty",
        "frequency_penalty", "n", "max_tokens", "max_completion_tokens", "top_logprobs", "seed", "logit_bias", "stop", "user",
        "safety_identifier", "prompt_cache_key", "metadata", "response_format", "tools", "tool_choice", "functions",
        "function_call", "stream_options", "service_tier", "reasoning_effort", "verbosity", "modalities", "audio", "prediction",
        "web_search_options",
    ]).union(platformCallFields)

    private func topLevelMember(_ key: String, _ item: JSONValue) throws -> JSONValue {
        switch key {
        case "model":
            try RequestShape.optionalString(item)
            return item // replaced by the agent's model before it is sent
        case "messages":
            return try elements(item, orNull: false) { message, index in
                begin("messages", element: index)
                return try self.message(message, index: index)
            }
        case "stream", "logprobs", "parallel_tool_calls", "store":
            return try RequestShape.bool(item)
        // Numbers forwarded as they are stay within OpenAI's ranges; the seed is replaced.
        case "temperature": return try RequestShape.number(item, in: 0...2)
        case "top_p": return try RequestShape.number(item, in: 0...1)
        case "presence_penalty", "frequency_penalty": return try RequestShape.number(item, in: -2...2)
        case "n": return try RequestShape.integer(item, in: 1...128)
        case "max_tokens", "max_completion_tokens": return try RequestShape.integer(item, in: 0...1_000_000)
        case "top_logprobs": return try RequestShape.integer(item, in: 0...20)
        case "seed": return try RequestShape.anyInteger(item)
        case "logit_bias":
            guard let members = try RequestShape.object(item) else { return item }
            for (token, bias) in members {
                // Keys are token ids: up to six digits (no vocabulary is larger), so nothing else rides in them.
                guard !token.isEmpty, token.utf8.count <= 6, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    throw RequestRefusal.shape("an object of token ids (up to six digits) to numbers from -100 to 100")
                }
                try RequestShape.number(bias, in: -100...100)
            }
            return item
        case "stop":
            if case .array = item { return try elements(item) { stop, _ in try prose(stop) } }
            return try prose(item)
        case "user", "safety_identifier", "prompt_cache_key":
            return try keyedText(item, key: key)
        case "metadata":
            _ = try RequestShape.object(item)
            return try data(item, key: nil)
        case _ where Self.platformCallFields.contains(key):
            return try data(item, key: nil) // the caller's number and name, when kept (MASKER_FORWARD_CALL_METADATA)
        case "response_format":
            return try responseFormat(item)
        case "tools":
            return try elements(item) { tool, index in
                begin("tools", element: index)
                return try self.tool(tool)
            }
        case "tool_choice":
            return try toolChoice(item)
        case "functions":
            return try elements(item) { function, index in
                begin("functions", element: index)
                return try functionDefinition(function)
            }
        case "function_call":
            if case .string = item {
                return try RequestShape.keyword(item)
            }
            return try members(item) { key, value in
                guard key == "name" else { return nil }
                return try RequestShape.identifier(value)
            }
        case "stream_options":
            return try members(item) { key, value in
                guard key == "include_usage" || key == "include_obfuscation" else { return nil }
                return try RequestShape.bool(value)
            }
        case "service_tier", "reasoning_effort", "verbosity":
            return try RequestShape.keyword(item)
        case "modalities":
            return try elements(item) { modality, _ in
                return try RequestShape.keyword(modality, orNull: false)
            }
        case "audio":
            return try members(item) { key, value in
                guard key == "voice" || key == "format" else { return nil }
                return try RequestShape.keyword(value)
            }
        case "prediction":
            return try members(item) { key, value in
                switch key {
                case "type":
                    return try RequestShape.keyword(value)
                case "content": return try content(value)
                default: return nil
                }
            }
        default: // "web_search_options"
            return try members(item) { key, value in
                guard key == "search_context_size" else { return nil } // user_location is data: its city is an address
                return try RequestShape.keyword(value)
            }
        }
    }

    // MARK: - Messages

    private func message(_ value: JSONValue, index: Int) throws -> JSONValue {
        guard case .object = value else { throw RequestRefusal.shape("a message object") }
        guard let role = value["role"] else { throw RequestRefusal(.invalidRequest, "is required: every message has a role").at(".role") }
        do {
            try RequestShape.keyword(role, orNull: false)
        } catch {
            throw error.at(".role")
        }
        let roleName = role.stringValue ?? ""
        return try members(value) { key, item in
            switch key {
            case "role": return item
            case "content":
                message = (index, roleName)
                defer { message = nil }
                return try content(item)
            case "name": return try keyedText(item, key: "name")
            case "tool_calls":
                return try elements(item) { call, _ in try toolCall(call) }
            case "tool_call_id":
                return try RequestShape.identifier(item)
            case "function_call":
                return try functionCall(item)
            case "refusal", "reasoning_content", "reasoning":
                if case .string = item { return try prose(item) }
                return item == .null ? item : try data(item, key: nil)
            case "audio":
                return try members(item) { key, value in
                    guard key == "id" else { return nil }
                    return try RequestShape.identifier(value)
                }
            case "prefix":
                return try RequestShape.bool(item)
            default: return nil
            }
        }
    }

    /// A message's content: a string, an array of parts, or null.
    private func content(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .null: return value
        case let .string(text): return .string(try proseOrJSON(text))
        case .array: return try elements(value) { part, _ in try contentPart(part) }
        default: throw RequestRefusal.shape("a string, an array of content parts, or null")
        }
    }

    private func contentPart(_ value: JSONValue) throws -> JSONValue {
        if case let .string(text) = value { return .string(try proseOrJSON(text)) }
        guard case .object = value else { throw RequestRefusal.shape("a content part object") }
        return try members(value) { key, item in
            switch key {
            case "type":
                return try RequestShape.keyword(item)
            case "text":
                if case let .string(text) = item { return .string(try proseOrJSON(text)) }
                return try prose(item)
            case "refusal": return try prose(item)
            case "image_url": return try imageURL(item)
            case "input_audio":
                throw RequestShape.unscannable("audio")
            case "file": return try file(item)
            default: return nil
            }
        }
    }

    private func imageURL(_ value: JSONValue) throws -> JSONValue {
        if case .string = value { return try url(value) }
        return try members(value, orNull: false) { key, item in
            switch key {
            case "url": return try url(item)
            case "detail":
                return try RequestShape.keyword(item)
            default: return nil
            }
        }
    }

    private func url(_ value: JSONValue) throws -> JSONValue {
        let text = try RequestShape.string(value)
        if text.utf8.prefix(5).map({ $0 | 0x20 }) == Array("data:".utf8) {
            throw RequestShape.unscannable("an image sent as bytes")
        }
        return .string(try URLMasking.mask(text, prose: { try self.emit(KeyedValue(plain: $0)) },
                                           keyed: { value, key in try self.emit(KeyedValue(value, key: key)) }))
    }

    private func file(_ value: JSONValue) throws -> JSONValue {
        try members(value, orNull: false) { key, item in
            switch key {
            case "file_data":
                throw RequestShape.unscannable("a file sent as bytes")
            case "file_id":
                return try RequestShape.identifier(item)
            case "filename": return try keyedText(item, key: "filename")
            default: return nil
            }
        }
    }

    // MARK: - Tools

    private func toolCall(_ value: JSONValue) throws -> JSONValue {
        try members(value, orNull: false) { key, item in
            switch key {
            case "id":
                return try RequestShape.identifier(item)
            case "index": return try RequestShape.integer(item, in: 0...10_000)
            case "type": return try RequestShape.keyword(item)
            case "function": return try functionCall(item)
            case "custom": return try customTool(item)
            default: return nil
            }
        }
    }

    private func functionCall(_ value: JSONValue) throws -> JSONValue {
        try members(value) { key, item in
            switch key {
            case "name":
                return try RequestShape.identifier(item)
            case "arguments": return try arguments(item)
            default: return nil
            }
        }
    }

    private func tool(_ value: JSONValue) throws -> JSONValue {
        try members(value, orNull: false) { key, item in
            switch key {
            case "type":
                return try RequestShape.keyword(item)
            case "function": return try functionDefinition(item)
            case "custom": return try customTool(item)
            default: return nil
            }
        }
    }

    /// A custom tool (`tools[].custom`: name, description, format) or a call of one
    /// (`tool_calls[].custom`: name, input).
    private func customTool(_ value: JSONValue) throws -> JSONValue {
        try members(value) { key, item in
            switch key {
            case "name": return try RequestShape.identifier(item)
            case "description", "input": return try prose(item)
            default: return nil
            }
        }
    }

    private func functionDefinition(_ value: JSONValue) throws -> JSONValue {
        try members(value, orNull: false) { key, item in
            switch key {
            case "name":
                return try RequestShape.identifier(item, orNull: false)
            case "description": return try prose(item)
            case "parameters": return try schema(item, property: nil)
            case "strict":
                return try RequestShape.bool(item)
            default: return nil
            }
        }
    }

    private func toolChoice(_ value: JSONValue) throws -> JSONValue {
        if case .string = value {
            return try RequestShape.keyword(value)
        }
        return try members(value) { key, item in
            switch key {
            case "type":
                return try RequestShape.keyword(item)
            case "function", "custom":
                return try members(item) { key, value in
                    guard key == "name" else { return nil }
                    return try RequestShape.identifier(value)
                }
            case "allowed_tools":
                return try members(item) { key, value in
                    switch key {
                    case "mode":
                        return try RequestShape.keyword(value)
                    case "tools": return try elements(value) { choice, _ in try toolChoice(choice) }
                    default: return nil
                    }
                }
            default: return nil
            }
        }
    }

    private func responseFormat(_ value: JSONValue) throws -> JSONValue {
        try members(value) { key, item in
            switch key {
            case "type":
                return try RequestShape.keyword(item)
            case "json_schema":
                return try members(item) { key, value in
                    switch key {
                    case "name":
                        return try RequestShape.identifier(value)
                    case "description": return try prose(value)
                    case "schema": return try schema(value, property: nil)
                    case "strict":
                        return try RequestShape.bool(value)
                    default: return nil
                    }
                }
            default: return nil
            }
        }
    }

    // MARK: - JSON schemas (tool parameters, structured outputs)

    /// A JSON schema: property names masked as names (the same name gives the same text in
    /// `properties` and `required` within a turn, `ProxyService`), descriptions and titles as
    /// prose, `enum`/`default`/`examples`/`const` as data under the property's name, keywords and
    /// numbers as they are, unknown members as data.
    private func schema(_ value: JSONValue, property: String?) throws -> JSONValue {
        guard case let .object(members) = value else {
            if case .bool = value { return value }
            return try data(value, key: property)
        }
        return .object(try members.map { key, item in
            do {
                return try schemaMember(key, item, property: property)
            } catch let refusal as RequestRefusal {
                throw refusal.at("." + (Self.schemaKeywords.contains(key) ? key : "?"))
            }
        })
    }

    /// The keywords `schemaMember` knows: only these name a refused field's path.
    static let schemaKeywords: Set<String> = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "type", "items",
                                              "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
                                              "unevaluatedProperties", "additionalItems", "anyOf", "oneOf", "allOf", "prefixItems"]

    private func schemaMember(_ key: String, _ item: JSONValue, property: String?) throws -> (String, JSONValue) {
        switch key {
        case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas":
            guard case let .object(named) = item else { return (key, try data(item, key: property)) }
            // A property's name may be PHI: a refusal inside it is located by its position.
            return (key, .object(try named.enumerated().map { position, member in
                do {
                    return (try keyName(member.0), try schema(member.1, property: member.0))
                } catch let refusal as RequestRefusal {
                    throw refusal.at("[\(position)]")
                }
            }))
        case "required":
            guard case let .array(names) = item else { return (key, try data(item, key: property)) }
            return (key, .array(try names.map { name in
                guard case let .string(text) = name else { return try data(name, key: property) }
                return .string(try keyName(text))
            }))
        case "description", "title", "$comment":
            return (key, try prose(item))
        case "enum", "examples", "default", "const":
            return (key, try data(item, key: property))
        case "type":
            if case .array = item {
                return (key, try elements(item) { type, _ in
                    return try RequestShape.keyword(type, orNull: false)
                })
            }
            try RequestShape.keyword(item, orNull: false)
            return (key, item)
        case "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
             "unevaluatedProperties", "additionalItems":
            return (key, try schema(item, property: property))
        case "anyOf", "oneOf", "allOf", "prefixItems":
            return (key, try elements(item) { subschema, _ in try schema(subschema, property: property) })
        default:
            // minimum, maxLength, nullable…: numbers are data too (a long one may be an identifier).
            switch item {
            case .bool, .null: return (key, item)
            default: return (try keyName(key), try data(item, key: key))
            }
        }
    }
}
