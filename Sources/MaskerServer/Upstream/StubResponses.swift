import Foundation
import MaskerCore

/// The stub upstream's Responses API answers: the masked prompt echoed back ("You said: …"), or a
/// call of the first function tool whose argument `text` is the prompt; streamed as OpenAI streams
/// them (`response.created`, items and parts added, deltas of `StubUpstream.chunkSize` bytes,
/// `.done` events, `response.completed`), so tokens are cut across deltas as with real models.
enum StubResponses {
    /// The whole answer's JSON, or the stream's server-sent events, for a Responses request.
    static func answer(_ body: JSONValue, stream: Bool, model: String) -> (contentType: String, body: String) {
        let prompt = lastUserText(body)
        let tool = toolToCall(body)
        let id = "resp_stub_\(UUID().uuidString.prefix(8).lowercased())"
        let item: JSONValue, pieces: [String]
        if let tool {
            let arguments = JSONValue.object([("text", .string(prompt))]).serialized()
            item = .object([("type", .string("function_call")), ("id", .string("fc_stub_1")), ("call_id", .string("call_stub_1")),
                            ("name", .string(tool)), ("arguments", .string(arguments)), ("status", .string("completed"))])
            pieces = StubUpstream.pieces(arguments)
        } else {
            let text = "You said: " + prompt
            item = .object([("type", .string("message")), ("id", .string("msg_stub_1")), ("status", .string("completed")),
                            ("role", .string("assistant")), ("content", .array([part(text)]))])
            pieces = StubUpstream.pieces(text)
        }
        let completed = response(id: id, model: model, status: "completed", output: [item])
        guard stream else { return ("application/json", completed.serialized()) }
        var events: [JSONValue] = [.object([("type", .string("response.created")),
                                            ("response", response(id: id, model: model, status: "in_progress", output: []))])]
        let itemID = item["id"] ?? .null
        func indexed(_ type: String, _ members: [(String, JSONValue)]) -> JSONValue {
            .object([("type", .string(type)), ("item_id", itemID), ("output_index", .int(0))] + members)
        }
        if tool != nil {
            var opening = item
            if case let .object(members) = item {
                opening = .object(members.map { $0.0 == "arguments" ? ($0.0, .string("")) : $0.0 == "status" ? ($0.0, .string("in_progress")) : $0 })
            }
            events.append(.object([("type", .string("response.output_item.added")), ("output_index", .int(0)), ("item", opening)]))
            for piece in pieces { events.append(indexed("response.function_call_arguments.delta", [("delta", .string(piece))])) }
            events.append(indexed("response.function_call_arguments.done", [("arguments", item["arguments"] ?? .null)]))
        } else {
            let text = pieces.joined()
            events.append(.object([("type", .string("response.output_item.added")), ("output_index", .int(0)), ("item", .object([
                ("type", .string("message")), ("id", itemID), ("status", .string("in_progress")), ("role", .string("assistant")),
                ("content", .array([])),
            ]))]))
            events.append(indexed("response.content_part.added", [("content_index", .int(0)), ("part", part(""))]))
            for piece in pieces {
                events.append(indexed("response.output_text.delta", [("content_index", .int(0)), ("delta", .string(piece)), ("logprobs", .array([]))]))
            }
            events.append(indexed("response.output_text.done", [("content_index", .int(0)), ("text", .string(text)), ("logprobs", .array([]))]))
            events.append(indexed("response.content_part.done", [("content_index", .int(0)), ("part", part(text))]))
        }
        events.append(.object([("type", .string("response.output_item.done")), ("output_index", .int(0)), ("item", item)]))
        events.append(.object([("type", .string("response.completed")), ("response", completed)]))
        let lines = events.enumerated().map { number, event -> String in
            guard case let .object(members) = event else { return "" }
            let numbered = JSONValue.object(members + [("sequence_number", .int(number))])
            return "event: \(event["type"]?.stringValue ?? "")\ndata: \(numbered.serialized())\n\n"
        }
        return ("text/event-stream", lines.joined())
    }

    private static func part(_ text: String) -> JSONValue {
        .object([("type", .string("output_text")), ("text", .string(text)), ("annotations", .array([]))])
    }

    private static func response(id: String, model: String, status: String, output: [JSONValue]) -> JSONValue {
        .object([("id", .string(id)), ("object", .string("response")), ("created_at", .int(Int(Date().timeIntervalSince1970))),
                 ("status", .string(status)), ("model", .string(model)), ("output", .array(output)),
                 ("parallel_tool_calls", .bool(true)), ("tool_choice", .string("auto")), ("tools", .array([]))])
    }

    /// The text of the last user message: a string input, or the last user item's text.
    static func lastUserText(_ body: JSONValue) -> String {
        if case let .string(text)? = body["input"] { return text }
        return StubUpstream.lastUserText(in: body["input"])
    }

    /// The first function tool's name, unless the request says `tool_choice: "none"`.
    static func toolToCall(_ body: JSONValue) -> String? {
        if body["tool_choice"]?.stringValue == "none" { return nil }
        guard case let .array(tools)? = body["tools"] else { return nil }
        return tools.first { $0["type"]?.stringValue == "function" }?["name"]?.stringValue
    }
}
