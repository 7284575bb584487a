import MaskerCore

/// Restores a Responses API stream, where a token may be cut across `*.delta` events anywhere.
/// Each growing text (an event type's prefix with its item, output, content and summary indexes:
/// `response.output_text` of item `msg_1` part 0, `response.function_call_arguments` of `fc_1`…)
/// has its own streaming rehydrator, which holds back only what could still be a token's start.
/// Its `*.done` event (which repeats the whole text) first releases what is held, in one more
/// delta event; the done event and every other event (`response.created`, `output_item.added`,
/// `response.completed` with the whole response…) are restored whole, deny by default.
/// `response.completed`, `response.failed`, `response.incomplete` and `error` end the answer.
struct ResponsesStreamRestorer: StreamRestoring {
    private struct StreamKey: Hashable {
        var prefix: String
        var item: String?
        var output: Int?
        var content: Int?
        var summary: Int?
    }

    private var whole: ChatResponseRehydrator
    private var growing: GrowingTexts<StreamKey>

    static let endings: Set<String> = ["response.completed", "response.failed", "response.incomplete", "error"]

    init(_ rehydrator: Rehydrator) {
        whole = ChatResponseRehydrator(rehydrator)
        growing = GrowingTexts(rehydrator)
    }

    mutating func restore(_ data: String) async -> (came: JSONValue?, output: [StreamOutput], finished: Bool) {
        guard let event = try? JSONParser.parse(data) else { return (nil, [], false) } // not JSON: nothing a client could use
        guard case let .object(members) = event, let type = event["type"]?.stringValue else {
            return (event, [.event(await whole.rehydrate(event))], false)
        }
        if type.hasSuffix(".delta"), case let .string(delta)? = event["delta"] {
            let key = Self.key(event, prefix: String(type.dropLast(".delta".count)))
            // Arguments are JSON text: restored values go into them JSON-escaped.
            let released = await growing.feed(delta, to: key, isJSON: key.prefix.hasSuffix("arguments"))
            var output: [(String, JSONValue)] = []
            for (member, value) in members {
                output.append(member == "delta" ? (member, .string(released)) : await whole.restoreMember(member, value))
            }
            return (event, [.event(.object(output))], false)
        }
        var output: [StreamOutput] = []
        if type.hasSuffix(".done") {
            let key = Self.key(event, prefix: String(type.dropLast(".done".count)))
            for (text, rest) in await growing.finish({ $0 == key }) { output.append(.event(Self.delta(rest, for: text, like: event))) }
        }
        let ends = Self.endings.contains(type)
        if ends {
            for (text, rest) in await growing.finish({ _ in true }) { output.append(.event(Self.delta(rest, for: text, like: event))) }
        }
        output.append(.event(await whole.rehydrate(event)))
        return (event, output, ends)
    }

    mutating func finish() async -> [JSONValue] {
        await growing.finish { _ in true }.map { key, rest in Self.delta(rest, for: key, like: .object([])) }
    }

    mutating func takeEvents() -> [RehydrationEvent] {
        growing.takeEvents() + whole.takeEvents()
    }

    private static func key(_ event: JSONValue, prefix: String) -> StreamKey {
        StreamKey(prefix: prefix, item: event["item_id"]?.stringValue, output: event["output_index"]?.intValue,
                  content: event["content_index"]?.intValue, summary: event["summary_index"]?.intValue)
    }

    /// A delta event carrying `rest` for the stream `key`, numbered as the event that released it.
    private static func delta(_ rest: String, for key: StreamKey, like event: JSONValue) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(key.prefix + ".delta"))]
        if let item = key.item { members.append(("item_id", .string(item))) }
        if let output = key.output { members.append(("output_index", .int(output))) }
        if let content = key.content { members.append(("content_index", .int(content))) }
        if let summary = key.summary { members.append(("summary_index", .int(summary))) }
        members.append(("delta", .string(rest)))
        if let number = event["sequence_number"] { members.append(("sequence_number", number)) }
        return .object(members)
    }
}
