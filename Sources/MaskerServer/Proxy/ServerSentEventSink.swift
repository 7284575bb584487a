import Hummingbird
import HTTPTypes
import MaskerCore
import NIOCore

/// A restored stream written as server-sent events to an HTTP client: chat completions' `data:`
/// lines ending in `data: [DONE]` and errors as `data: {"error": …}` (what OpenAI's clients read);
/// or the Responses API's named events (`event: response.output_text.delta`), errors as an
/// `error` event.
struct ServerSentEventSink: StreamSink {
    enum Style { case chatCompletions, responses }

    var writer: any ResponseBodyWriter
    let style: Style

    mutating func write(_ output: StreamOutput) async throws {
        switch output {
        case .done:
            if style == .chatCompletions { try await writer.write(ByteBuffer(string: "data: [DONE]\n\n")) }
        case let .event(value):
            var buffer = ByteBuffer()
            if style == .responses, let type = value["type"]?.stringValue, RequestShape.isKeyword(type) {
                buffer.writeString("event: \(type)\n")
            }
            buffer.writeString("data: ")
            buffer.writeBytes(value.serializedBytes())
            buffer.writeString("\n\n")
            try await writer.write(buffer)
        }
    }

    mutating func fail(_ error: APIError, requestID: String) async throws {
        let details: [(String, JSONValue)] = [("code", .string(error.code)), ("message", .string(error.message)),
                                              ("type", .string(error.type)), ("request_id", .string(requestID))]
        switch style {
        case .chatCompletions:
            try await writer.write(ByteBuffer(string: "data: \(JSONValue.object([("error", .object(details))]).serialized())\n\n"))
        case .responses:
            let event = JSONValue.object([("type", .string("error"))] + details + [("param", .null)])
            try await writer.write(ByteBuffer(string: "event: error\ndata: \(event.serialized())\n\n"))
        }
    }

    /// The HTTP response that streams `stream` in this style.
    static func response(_ stream: TurnStream, style: Style, sessionHeader: (HTTPField.Name, String)) -> Response {
        let body = ResponseBody { writer in
            var sink = ServerSentEventSink(writer: writer, style: style)
            try await stream.drain(into: &sink)
            try await sink.writer.finish(nil)
        }
        var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        headers[sessionHeader.0] = sessionHeader.1
        return Response(status: .ok, headers: headers, body: body)
    }
}
