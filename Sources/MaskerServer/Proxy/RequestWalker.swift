import MaskerCore

/// One text of a request to mask, as `RequestWalker` hands it over.
struct RequestText {
    /// The text, with the key it sits under as context when it is data.
    var keyed: KeyedValue
    var location: RequestWalker.Location
    /// For a message's content (a string or a text part): the message's index and role, so a
    /// number cut between two messages is found (`SplitNumbers`).
    var message: (index: Int, role: String)?
}

/// Deny by default, for OpenAI's requests (chat completions, `ChatRequestWalker.swift`; the
/// Responses API, `ResponsesRequestWalker.swift`): every member of the request is either
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
final class RequestWalker {
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

    /// The request formats a walker knows.
    enum Format: Sendable {
        case chatCompletions, responses
    }

    /// The request with every text replaced by what `transform` returns for it (nil: unchanged).
    static func rewrite(_ request: JSONValue, as format: Format, _ transform: @escaping Transform) throws -> JSONValue {
        let walker = RequestWalker(transform)
        switch format {
        case .chatCompletions: return try walker.chatRequest(request)
        case .responses: return try walker.responsesRequest(request)
        }
    }

    /// Checks the request's shape and identifiers, and lists its texts.
    static func texts(_ request: JSONValue, as format: Format) throws -> [RequestText] {
        var texts: [RequestText] = []
        _ = try rewrite(request, as: format) { text in
            texts.append(text)
            return nil
        }
        return texts
    }

    let transform: Transform
    var field = ""
    var element: Int?
    var ordinal = 0
    var message: (index: Int, role: String)?

    init(_ transform: @escaping Transform) {
        self.transform = transform
    }

    func begin(_ field: String, element: Int?) {
        self.field = field
        self.element = element
        ordinal = 0
        message = nil
    }

    /// A request's top-level members: each the format knows through `member` (a refusal is located
    /// at its key), each it does not as data under its key, the key itself masked unless it names a
    /// kind (`extra[n]`, n its position).
    func topLevel(_ members: [(String, JSONValue)], known: Set<String>,
                  _ member: (String, JSONValue) throws -> JSONValue) throws -> JSONValue {
        var output: [(String, JSONValue)] = []
        output.reserveCapacity(members.count)
        for (position, (key, item)) in members.enumerated() {
            if known.contains(key) {
                begin(key, element: nil)
                do {
                    output.append((key, try member(key, item)))
                } catch let refusal as RequestRefusal {
                    throw refusal.at(key)
                }
            } else {
                begin("extra", element: position)
                output.append((try keyName(key), try data(item, key: key)))
            }
        }
        return .object(output)
    }

    // MARK: - Texts

    func emit(_ keyed: KeyedValue) throws -> String? {
        defer { ordinal += 1 }
        return try transform(RequestText(keyed: keyed, location: Location(field: field, element: element, ordinal: ordinal), message: message))
    }

    /// A string read as prose; `null` passes.
    func prose(_ value: JSONValue) throws -> JSONValue {
        if value == .null { return value }
        let text = try RequestShape.string(value)
        return try emit(KeyedValue(plain: text)).map(JSONValue.string) ?? value
    }

    /// A string read with its key as context; `null` passes.
    func keyedText(_ value: JSONValue, key: String) throws -> JSONValue {
        if value == .null { return value }
        let text = try RequestShape.string(value)
        return try emit(KeyedValue(text, key: key)).map(JSONValue.string) ?? value
    }

    /// Any JSON, every string, key and identifier-like number in it masked with its key as context.
    func data(_ value: JSONValue, key: String?) throws -> JSONValue {
        try JSONFields.rewrite(value, key: key) { keyed, _ in try self.emit(keyed) }
    }

    /// A name that must stay a name (a schema's property): masked as plain text unless it names a
    /// kind itself (then it is a key, not PHI).
    func keyName(_ name: String) throws -> String {
        guard FieldKey.kind(name) == nil else { return name }
        return try emit(KeyedValue(plain: name)) ?? name
    }

    /// Text that may hold a JSON document (a tool's result): masked as data and kept valid JSON
    /// when it is one, as prose otherwise.
    func proseOrJSON(_ text: String) throws -> String {
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
    func arguments(_ value: JSONValue) throws -> JSONValue {
        if value == .null { return value }
        let text = try RequestShape.string(value)
        if let document = try? JSONParser.parse(text) {
            return .string(try data(document, key: nil).serialized())
        }
        return try emit(KeyedValue(plain: text)).map(JSONValue.string) ?? value
    }

    /// The members of an object, each through `member`, unknown ones as data under their key.
    func members(_ value: JSONValue, orNull: Bool = true,
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

    func elements(_ value: JSONValue, orNull: Bool = true,
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

    /// A URL: its host kept, its path segments and query values masked; bytes in a `data:` URL
    /// cannot be read, so they are refused.
    func url(_ value: JSONValue) throws -> JSONValue {
        let text = try RequestShape.string(value)
        if text.utf8.prefix(5).map({ $0 | 0x20 }) == Array("data:".utf8) {
            throw RequestShape.unscannable("an image sent as bytes")
        }
        return .string(try URLMasking.mask(text, prose: { try self.emit(KeyedValue(plain: $0)) },
                                           keyed: { value, key in try self.emit(KeyedValue(value, key: key)) }))
    }

    // MARK: - JSON schemas (tool parameters, structured outputs)

    /// A JSON schema: property names masked as names (the same name gives the same text in
    /// `properties` and `required` within a turn, `RequestMasking`), descriptions and titles as
    /// prose, `enum`/`default`/`examples`/`const` as data under the property's name, keywords and
    /// numbers as they are, unknown members as data.
    func schema(_ value: JSONValue, property: String?) throws -> JSONValue {
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

    func schemaMember(_ key: String, _ item: JSONValue, property: String?) throws -> (String, JSONValue) {
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
