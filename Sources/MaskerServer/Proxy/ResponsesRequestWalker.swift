import MaskerCore

/// OpenAI's Responses API request (`POST /v1/responses`), walked deny by default
/// (`RequestWalker`): `instructions` and every input item (messages and their parts, function calls
/// and their outputs, reasoning summaries, items the schema does not know) are text or data;
/// ids (`previous_response_id`, `call_id`, item ids, file ids) must be opaque and pass unchanged,
/// so the model's stored conversation and tool calls still line up; encrypted reasoning, files,
/// images and audio sent as bytes cannot be read, so they are refused.
extension RequestWalker {
    func responsesRequest(_ value: JSONValue) throws -> JSONValue {
        guard case let .object(members) = value else { throw RequestRefusal.shape("a JSON object") }
        return try topLevel(members, known: Self.responsesTopLevel, responsesMember)
    }

    /// The members of a Responses request the schema knows.
    static let responsesTopLevel: Set<String> = Set([
        "model", "input", "instructions", "tools", "tool_choice", "previous_response_id", "conversation", "stream", "store",
        "background", "parallel_tool_calls", "temperature", "top_p", "max_output_tokens", "max_tool_calls", "top_logprobs",
        "metadata", "user", "safety_identifier", "prompt_cache_key", "text", "reasoning", "truncation", "include", "service_tier",
        "prompt", "stream_options", "prompt_cache_retention",
    ]).union(platformCallFields)

    private func responsesMember(_ key: String, _ item: JSONValue) throws -> JSONValue {
        switch key {
        case "model":
            try RequestShape.optionalString(item)
            return item // replaced by the agent's model before it is sent
        case "input":
            if case let .string(text) = item {
                // A string input is the caller's own message.
                message = (0, "user")
                defer { message = nil }
                return .string(try proseOrJSON(text))
            }
            return try elements(item, orNull: false) { entry, index in
                begin("input", element: index)
                return try inputItem(entry, index: index)
            }
        case "instructions": return try prose(item)
        case "tools":
            return try elements(item) { tool, index in
                begin("tools", element: index)
                return try responsesTool(tool)
            }
        case "tool_choice": return try responsesToolChoice(item)
        case "previous_response_id": return try RequestShape.identifier(item)
        case "conversation":
            if case .string = item { return try RequestShape.identifier(item) }
            return try members(item) { key, value in key == "id" ? try RequestShape.identifier(value) : nil }
        case "stream", "store", "background", "parallel_tool_calls": return try RequestShape.bool(item)
        case "temperature": return try RequestShape.number(item, in: 0...2)
        case "top_p": return try RequestShape.number(item, in: 0...1)
        case "max_output_tokens": return try RequestShape.integer(item, in: 0...1_000_000)
        case "max_tool_calls": return try RequestShape.integer(item, in: 0...10_000)
        case "top_logprobs": return try RequestShape.integer(item, in: 0...20)
        case "user", "safety_identifier", "prompt_cache_key": return try keyedText(item, key: key)
        case "metadata":
            _ = try RequestShape.object(item)
            return try data(item, key: nil)
        case "text":
            return try members(item) { key, value in
                switch key {
                case "format": return try textFormat(value)
                case "verbosity": return try RequestShape.keyword(value)
                default: return nil
                }
            }
        case "reasoning":
            return try members(item) { key, value in
                ["effort", "summary", "generate_summary"].contains(key) ? try RequestShape.keyword(value) : nil
            }
        case "truncation", "service_tier", "prompt_cache_retention": return try RequestShape.keyword(item)
        case "include": return try elements(item) { entry, _ in try RequestShape.keyword(entry, orNull: false) }
        case "prompt":
            return try members(item) { key, value in
                switch key {
                case "id": return try RequestShape.identifier(value)
                case "version": return try RequestShape.keyword(value)
                default: return nil // variables: data under their names
                }
            }
        case "stream_options":
            return try members(item) { key, value in key == "include_obfuscation" ? try RequestShape.bool(value) : nil }
        default: // platform call metadata, when kept (MASKER_FORWARD_CALL_METADATA)
            return try data(item, key: nil)
        }
    }

    // MARK: - Input items

    /// One input item: a message (typed, or only a role and content), a function call or its
    /// output, a reasoning item, a reference, or an item the schema does not know (data).
    private func inputItem(_ value: JSONValue, index: Int) throws -> JSONValue {
        guard case .object = value else { throw RequestRefusal.shape("an input item object") }
        if let type = value["type"] {
            do { try RequestShape.keyword(type, orNull: false) } catch { throw error.at(".type") }
        }
        let type = value["type"]?.stringValue ?? "message"
        let role = value["role"]
        if type == "message" {
            guard let role else { throw RequestRefusal(.invalidRequest, "is required: every message has a role").at(".role") }
            do { try RequestShape.keyword(role, orNull: false) } catch { throw error.at(".role") }
        }
        return try members(value) { key, item in
            switch key {
            case "type", "role", "status": return try RequestShape.keyword(item)
            case "id", "call_id": return try RequestShape.identifier(item)
            case "name": return try RequestShape.identifier(item)
            case "content" where type == "message":
                message = (index, role?.stringValue ?? "")
                defer { message = nil }
                return try responsesContent(item)
            case "content", "summary":
                return try elements(item) { part, _ in try responsesPart(part) }
            case "arguments": return try arguments(item)
            case "output", "input":
                // A tool's result or a custom tool's input: text (JSON kept valid JSON) or parts.
                if case let .string(text) = item { return .string(try proseOrJSON(text)) }
                return try elements(item) { part, _ in try responsesPart(part) }
            case "encrypted_content":
                if item == .null { return item }
                throw RequestShape.unscannable("encrypted reasoning (send previous_response_id instead)")
            default: return nil
            }
        }
    }

    /// A message's content: a string or an array of parts.
    private func responsesContent(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case let .string(text): return .string(try proseOrJSON(text))
        case .array: return try elements(value) { part, _ in try responsesPart(part) }
        default: throw RequestRefusal.shape("a string or an array of content parts")
        }
    }

    /// A content part: `input_text`, `output_text` (with its annotations), `refusal`,
    /// `summary_text`, `input_image` and `input_file` by id or URL; bytes are refused.
    private func responsesPart(_ value: JSONValue) throws -> JSONValue {
        if case let .string(text) = value { return .string(try proseOrJSON(text)) }
        guard case .object = value else { throw RequestRefusal.shape("a content part object") }
        return try members(value) { key, item in
            switch key {
            case "type", "detail": return try RequestShape.keyword(item)
            case "text":
                if case let .string(text) = item { return .string(try proseOrJSON(text)) }
                return try prose(item)
            case "refusal": return try prose(item)
            case "file_id": return try RequestShape.identifier(item)
            case "image_url", "file_url":
                return item == .null ? item : try url(item)
            case "filename": return try keyedText(item, key: "filename")
            case "file_data": throw RequestShape.unscannable("a file sent as bytes")
            case "input_audio", "audio": throw RequestShape.unscannable("audio")
            default: return nil // annotations, logprobs…: data
            }
        }
    }

    // MARK: - Tools and formats

    /// A tool: a function (name, description, parameters' schema, strict) or a hosted tool
    /// (its settings words and ids as they are; anything else, a location included, data).
    private func responsesTool(_ value: JSONValue) throws -> JSONValue {
        try members(value, orNull: false) { key, item in
            switch key {
            case "type", "search_context_size": return try RequestShape.keyword(item)
            case "name", "server_label": return try RequestShape.identifier(item)
            case "description": return try prose(item)
            case "parameters": return try schema(item, property: nil)
            case "strict": return try RequestShape.bool(item)
            case "vector_store_ids": return try elements(item) { id, _ in try RequestShape.identifier(id, orNull: false) }
            case "max_num_results": return try RequestShape.integer(item, in: 0...1_000)
            default: return nil
            }
        }
    }

    private func responsesToolChoice(_ value: JSONValue) throws -> JSONValue {
        if case .string = value { return try RequestShape.keyword(value) }
        return try members(value) { key, item in
            switch key {
            case "type", "mode": return try RequestShape.keyword(item)
            case "name", "server_label": return try RequestShape.identifier(item)
            case "tools": return try elements(item) { choice, _ in try responsesToolChoice(choice) }
            default: return nil
            }
        }
    }

    /// `text.format`: text, a JSON object, or a JSON schema (its name, description and schema).
    private func textFormat(_ value: JSONValue) throws -> JSONValue {
        try members(value) { key, item in
            switch key {
            case "type": return try RequestShape.keyword(item)
            case "name": return try RequestShape.identifier(item)
            case "description": return try prose(item)
            case "schema": return try schema(item, property: nil)
            case "strict": return try RequestShape.bool(item)
            default: return nil
            }
        }
    }
}
