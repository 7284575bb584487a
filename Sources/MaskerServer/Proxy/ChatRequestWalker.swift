import MaskerCore

/// OpenAI's chat-completions request, walked deny by default (`RequestWalker`): the members it
/// knows, each checked against its documented type, and its messages, tools and response format.
extension RequestWalker {
    // MARK: - The request

    func chatRequest(_ value: JSONValue) throws -> JSONValue {
        guard case let .object(members) = value else { throw RequestRefusal.shape("a JSON object") }
        guard members.contains(where: { $0.0 == "messages" }) else {
            throw RequestRefusal(.invalidRequest, "is required: send the conversation as an array of messages").at("messages")
        }
        return try topLevel(members, known: Self.topLevel, topLevelMember)
    }

    /// The members of the request the schema knows.
    static let topLevel: Set<String> = Set([
        "model", "messages", "stream", "logprobs", "parallel_tool_calls", "store", "temperature", "top_p", "presence_penalty",
        "frequency_penalty", "n", "max_tokens", "max_completion_tokens", "top_logprobs", "seed", "logit_bias", "stop", "user",
        "safety_identifier", "prompt_cache_key", "metadata", "response_format", "tools", "tool_choice", "functions",
        "function_call", "stream_options", "service_tier", "reasoning_effort", "verbosity", "modalities", "audio", "prediction",
        "web_search_options",
    ]).union(platformCallFields)

    fileprivate func topLevelMember(_ key: String, _ item: JSONValue) throws -> JSONValue {
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

    fileprivate func message(_ value: JSONValue, index: Int) throws -> JSONValue {
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
    fileprivate func content(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .null: return value
        case let .string(text): return .string(try proseOrJSON(text))
        case .array: return try elements(value) { part, _ in try contentPart(part) }
        default: throw RequestRefusal.shape("a string, an array of content parts, or null")
        }
    }

    fileprivate func contentPart(_ value: JSONValue) throws -> JSONValue {
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

    fileprivate func imageURL(_ value: JSONValue) throws -> JSONValue {
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

    fileprivate func file(_ value: JSONValue) throws -> JSONValue {
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

    fileprivate func toolCall(_ value: JSONValue) throws -> JSONValue {
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

    fileprivate func functionCall(_ value: JSONValue) throws -> JSONValue {
        try members(value) { key, item in
            switch key {
            case "name":
                return try RequestShape.identifier(item)
            case "arguments": return try arguments(item)
            default: return nil
            }
        }
    }

    fileprivate func tool(_ value: JSONValue) throws -> JSONValue {
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
    fileprivate func customTool(_ value: JSONValue) throws -> JSONValue {
        try members(value) { key, item in
            switch key {
            case "name": return try RequestShape.identifier(item)
            case "description", "input": return try prose(item)
            default: return nil
            }
        }
    }

    fileprivate func functionDefinition(_ value: JSONValue) throws -> JSONValue {
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

    fileprivate func toolChoice(_ value: JSONValue) throws -> JSONValue {
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

    fileprivate func responseFormat(_ value: JSONValue) throws -> JSONValue {
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

}
