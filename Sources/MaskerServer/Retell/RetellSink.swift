import HummingbirdWebSocket
import MaskerCore

/// A restored chat-completions stream written as Retell `response` events for one `response_id`:
/// each chunk's content as it is released, then `content_complete` at the end. A failure ends the
/// response with what was already said (Retell speaks it) and is logged; its text is Masker's own
/// and names no value, but Retell would speak it, so it is not sent.
struct RetellSink: StreamSink {
    let outbound: WebSocketOutboundWriter
    let responseID: Int
    private(set) var completed = false

    init(outbound: WebSocketOutboundWriter, responseID: Int) {
        self.outbound = outbound
        self.responseID = responseID
    }

    mutating func write(_ output: StreamOutput) async throws {
        switch output {
        case .done:
            try await complete()
        case let .event(chunk):
            let content = Self.content(chunk)
            guard !content.isEmpty, !completed else { return }
            try Task.checkCancellation() // a newer response_id took over: nothing more of this one
            try await outbound.writeTextMessage(RetellEvents.response(id: responseID, content: content, complete: false).serialized())
        }
    }

    mutating func fail(_ error: APIError, requestID: String) async throws {
        try await complete()
    }

    /// Ends the response once (a stream that ends without `[DONE]` ends it here too).
    mutating func complete() async throws {
        guard !completed else { return }
        completed = true
        try Task.checkCancellation()
        try await outbound.writeTextMessage(RetellEvents.response(id: responseID, content: "", complete: true).serialized())
    }

    /// What a chunk adds to the spoken answer: its choices' content.
    static func content(_ chunk: JSONValue) -> String {
        guard case let .array(choices)? = chunk["choices"] else { return "" }
        return choices.compactMap { $0["delta"]?["content"]?.stringValue }.joined()
    }
}
