import MaskerCore

/// The texts of a streamed answer that grow event by event (a choice's content, a tool call's
/// arguments, a Responses output text), each under its own key with its own streaming rehydrator,
/// which holds back only what could still be the start of a token. Shared by the chat-completions
/// and the Responses stream restorers, which differ only in how they name a text and where its
/// held-back rest goes.
struct GrowingTexts<Key: Hashable> {
    private let plain: Rehydrator
    private let json: Rehydrator
    private var streams: [Key: StreamingRehydrator] = [:]
    /// Texts in the order they started, so what is released at their end comes out in a stable order.
    private var order: [Key] = []
    private var events: [RehydrationEvent] = []

    init(_ rehydrator: Rehydrator) {
        plain = rehydrator.encoding(.plain)
        json = rehydrator.encoding(.jsonStringContent)
    }

    var isEmpty: Bool { streams.isEmpty }

    /// The texts still growing, in the order they started.
    var keys: [Key] { order }

    /// The next piece of the text `key`, restored as far as it can be. JSON text (function-call
    /// arguments) gets restored values JSON-escaped.
    mutating func feed(_ piece: String, to key: Key, isJSON: Bool) async -> String {
        if streams[key] == nil {
            streams[key] = StreamingRehydrator(rehydrator: isJSON ? json : plain)
            order.append(key)
        }
        var state = streams[key]!
        let released = await state.feed(Array(piece.utf8))
        events += state.takeEvents()
        streams[key] = state
        return String(decoding: released, as: UTF8.self)
    }

    /// Ends the texts `ending` picks: what each still held (only the non-empty ones), in order.
    mutating func finish(_ ending: (Key) -> Bool) async -> [(key: Key, rest: String)] {
        var finished: [(key: Key, rest: String)] = []
        for key in order where ending(key) {
            guard var state = streams.removeValue(forKey: key) else { continue }
            let rest = await state.finish()
            events += state.takeEvents()
            if !rest.isEmpty { finished.append((key, String(decoding: rest, as: UTF8.self))) }
        }
        order.removeAll(where: ending)
        return finished
    }

    /// Rehydration events since the last call.
    mutating func takeEvents() -> [RehydrationEvent] {
        defer { events = [] }
        return events
    }
}
