import MaskerCore

/// What a front door's wire format tells the turn pipeline (`TurnPipeline`): where its texts are in
/// a request and how to write them back, which upstream route it goes to, and how its answers are
/// restored and read. An adapter translates; it never masks, forwards or records by itself.
protocol WireFormat: Sendable {
    /// The upstream route requests of this format go to.
    var endpoint: UpstreamEndpoint { get }
    /// Every text of a request, in document order (the same order every time), refusing one of
    /// the wrong shape (`RequestRefusal`) before anything happens.
    func texts(_ request: JSONValue) throws -> [RequestText]
    /// The request with every text replaced by what `transform` returns for it (nil: unchanged),
    /// visited in the order `texts` lists them.
    func rewrite(_ request: JSONValue, _ transform: @escaping RequestTransform) throws -> JSONValue
    /// The readable text of a whole answer or of one streamed event, for the portal's panels.
    func answerText(_ answer: JSONValue) -> String
    /// What ends a complete stream in this format, named in the error when a stream ends without it.
    var streamEnd: String { get }
    /// Fresh state for restoring one streamed answer of this format.
    func streamRestorer(_ rehydrator: Rehydrator) -> any StreamRestoring
}

typealias RequestTransform = (RequestText) throws -> String?

/// What a restored stream hands its writer: an event, or the format's own end-of-answer marker
/// (chat completions' `[DONE]`).
enum StreamOutput {
    case event(JSONValue)
    case done
}

/// Per-stream state for restoring a streamed answer, where a token may be cut across events
/// anywhere: what could still be the start of a token is held back until the rest arrives.
protocol StreamRestoring {
    /// One upstream event's data, restored: the event as it came (nil when it is not JSON or not
    /// an event), what to write now, and whether the answer is complete (the format's last event).
    mutating func restore(_ data: String) async -> (came: JSONValue?, output: [StreamOutput], finished: Bool)
    /// What is still held when the stream ends without completing, as events to write.
    mutating func finish() async -> [JSONValue]
    /// Rehydration events since the last call (each is recorded before its text is written).
    mutating func takeEvents() -> [RehydrationEvent]
}
