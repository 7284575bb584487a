import Foundation
import MaskerCore
import NIOCore

/// An upstream that answers without a model (chat completions here, the Responses API in
/// `StubResponses`): it echoes the masked prompt back ("You said: …"),
/// streamed in small pieces when asked, so demos and tests see exactly what a model would have
/// received, and tokens get split across chunks as they are with real models. When the request
/// offers tools (and `tool_choice` is not "none"), it answers with a call of the first tool whose
/// argument `text` is the masked prompt.
struct StubUpstream: Upstream {
    let model = "masker-stub"
    /// Bytes of content per streamed chunk: small, so tokens are cut across chunks.
    static let chunkSize = 7

    /// Answers at once, so there is nothing to cancel.
    func send(_ request: UpstreamRequest, on eventLoop: any EventLoop,
              cancellation: UpstreamCancellation) async throws(UpstreamFailure) -> UpstreamResponse {
        if case .responses = request.endpoint {
            let (type, body) = StubResponses.answer(request.body, stream: request.stream, model: model)
            guard type == "text/event-stream" else { return .complete(status: 200, body: Array(body.utf8)) }
            return .stream(AsyncThrowingStream { continuation in
                continuation.yield(Array(body.utf8))
                continuation.finish()
            })
        }
        let prompt = Self.lastUserText(request.body)
        let toolName = Self.toolToCall(request.body)
        let created = Int(Date().timeIntervalSince1970)
        let id = "chatcmpl-stub-\(UUID().uuidString.prefix(8).lowercased())"
        if !request.stream {
            let message: JSONValue
            if let toolName {
                let arguments = JSONValue.object([("text", .string(prompt))]).serialized()
                message = .object([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([.object([
                    ("id", .string("call_stub_1")), ("type", .string("function")),
                    ("function", .object([("name", .string(toolName)), ("arguments", .string(arguments))])),
                ])]))])
            } else {
                message = .object([("role", .string("assistant")), ("content", .string("You said: " + prompt))])
            }
            let body = JSONValue.object([
                ("id", .string(id)), ("object", .string("chat.completion")), ("created", .int(created)), ("model", .string(model)),
                ("choices", .array([.object([("index", .int(0)), ("message", message),
                                             ("finish_reason", .string(toolName == nil ? "stop" : "tool_calls"))])])),
                ("usage", .object([("prompt_tokens", .int(prompt.utf8.count / 4)), ("completion_tokens", .int(prompt.utf8.count / 4)),
                                   ("total_tokens", .int(prompt.utf8.count / 2))])),
            ])
            return .complete(status: 200, body: body.serializedBytes())
        }
        var events: [JSONValue] = []
        func chunk(_ delta: JSONValue, finish: String? = nil) -> JSONValue {
            .object([("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", .int(created)),
                     ("model", .string(model)),
                     ("choices", .array([.object([("index", .int(0)), ("delta", delta),
                                                  ("finish_reason", finish.map(JSONValue.string) ?? .null)])]))])
        }
        if let toolName {
            let arguments = JSONValue.object([("text", .string(prompt))]).serialized()
            events.append(chunk(.object([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([.object([
                ("index", .int(0)), ("id", .string("call_stub_1")), ("type", .string("function")),
                ("function", .object([("name", .string(toolName)), ("arguments", .string(""))])),
            ])]))])))
            for piece in Self.pieces(arguments) {
                events.append(chunk(.object([("tool_calls", .array([.object([
                    ("index", .int(0)), ("function", .object([("arguments", .string(piece))])),
                ])]))])))
            }
            events.append(chunk(.object([]), finish: "tool_calls"))
        } else {
            events.append(chunk(.object([("role", .string("assistant")), ("content", .string(""))])))
            for piece in Self.pieces("You said: " + prompt) { events.append(chunk(.object([("content", .string(piece))]))) }
            events.append(chunk(.object([]), finish: "stop"))
        }
        let lines = events.map { "data: \($0.serialized())\n\n" } + ["data: [DONE]\n\n"]
        return .stream(AsyncThrowingStream { continuation in
            for line in lines { continuation.yield(Array(line.utf8)) }
            continuation.finish()
        })
    }

    /// The text of the last user message (string content, or its text parts joined).
    static func lastUserText(_ body: JSONValue) -> String { lastUserText(in: body["messages"]) }

    /// The last `user` item's content in `messages` (chat messages or Responses input items): a
    /// string, or its parts' texts joined.
    static func lastUserText(in messages: JSONValue?) -> String {
        guard case let .array(messages)? = messages else { return "" }
        for message in messages.reversed() where message["role"]?.stringValue == "user" {
            switch message["content"] {
            case let .string(text)?: return text
            case let .array(parts)?: return parts.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
            default: return ""
            }
        }
        return ""
    }

    static func toolToCall(_ body: JSONValue) -> String? {
        if body["tool_choice"]?.stringValue == "none" { return nil }
        guard case let .array(tools)? = body["tools"], let first = tools.first else { return nil }
        return first["function"]?["name"]?.stringValue
    }

    /// The text in pieces of `chunkSize` bytes, never splitting a UTF-8 character.
    static func pieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if current.utf8.count + String(scalar).utf8.count > chunkSize, !current.isEmpty {
                pieces.append(current)
                current = ""
            }
            current.unicodeScalars.append(scalar)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
