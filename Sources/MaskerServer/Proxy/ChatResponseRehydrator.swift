import MaskerCore

/// Restores the originals in a model's whole (non-streamed) answer. Deny by default, as for
/// requests: every string of the answer is rehydrated, and every key, whatever field it is in
/// (`message.content`, `refusal`, `reasoning_content`, legacy `choices[].text`, annotations,
/// fields a provider adds tomorrow), so a token the model wrote anywhere is restored or becomes
/// `[REDACTED:KIND]`, never reaches the caller as it is. Tool-call arguments are JSON in a string:
/// their restored values are written JSON-escaped, so the arguments stay valid JSON.
///
/// `logprobs` are dropped (null): they spell the answer out in the model's own pieces, so a token
/// is cut across entries (and their `bytes`) where no rehydration can restore it.
struct ChatResponseRehydrator {
    let plain: Rehydrator
    let json: Rehydrator
    private(set) var events: [RehydrationEvent] = []

    init(_ rehydrator: Rehydrator) {
        plain = rehydrator.encoding(.plain)
        json = rehydrator.encoding(.jsonStringContent)
    }

    /// A whole answer.
    mutating func rehydrate(_ response: JSONValue) async -> JSONValue {
        await restore(response, key: nil)
    }

    /// Any value of an answer: its strings and keys restored.
    mutating func restore(_ value: JSONValue, key: String?) async -> JSONValue {
        switch value {
        case let .string(text):
            return .string(await rehydrate(text, with: Self.isJSONText(key) ? json : plain))
        case let .array(items):
            var output: [JSONValue] = []
            output.reserveCapacity(items.count)
            for item in items { output.append(await restore(item, key: key)) }
            return .array(output)
        case let .object(members):
            var output: [(String, JSONValue)] = []
            output.reserveCapacity(members.count)
            for (member, item) in members { output.append(await restoreMember(member, item)) }
            return .object(output)
        default:
            return value
        }
    }

    /// One member of an object: its key and its value restored (`logprobs` dropped).
    mutating func restoreMember(_ key: String, _ value: JSONValue) async -> (String, JSONValue) {
        guard key != "logprobs" else { return (key, .null) }
        return (await rehydrate(key, with: plain), await restore(value, key: key))
    }

    /// Function-call arguments: JSON text, into which restored values go JSON-escaped.
    static func isJSONText(_ key: String?) -> Bool { key == "arguments" }

    private mutating func rehydrate(_ text: String, with rehydrator: Rehydrator) async -> String {
        guard TokenScanner.mayContainToken(text) else { return text }
        let result = await rehydrator.rehydrate(text)
        events += result.events
        return result.text
    }

    /// Events recorded since the last call.
    mutating func takeEvents() -> [RehydrationEvent] {
        defer { events = [] }
        return events
    }
}

/// Per-stream state for rehydrating `chat.completion.chunk`s, where a token may be split across
/// chunks anywhere. Every string of a choice's `delta` (and a legacy `choices[].text`) is a piece
/// of a text that grows chunk by chunk: `content`, `refusal`, `reasoning_content`,
/// `audio.transcript`, each tool call's `function.arguments`, fields a provider adds. Each such
/// text, by choice and path, has its own streaming rehydrator, which holds back only what could
/// still be the start of a token; what is held is released when that choice finishes, or in a
/// closing chunk at the end of the stream. Strings that arrive whole (ids, names, types, roles)
/// and everything outside the deltas are restored in place. `logprobs` are dropped, as in whole
/// answers.
struct ChatStreamRehydrator {
    /// A step of the path to a growing text inside a delta.
    enum Step: Hashable { case member(String), tool(Int) }

    private struct StreamKey: Hashable {
        var choice: Int
        var path: [Step]
    }

    private var whole: ChatResponseRehydrator
    private var growing: GrowingTexts<StreamKey>
    /// The last chunk seen, as the template for a closing chunk if text is still held at `[DONE]`.
    private var lastChunk: JSONValue?

    /// Strings of a delta that arrive whole, never in pieces.
    static let wholeFields: Set<String> = ["id", "type", "name", "role", "index", "call_id"]

    init(_ rehydrator: Rehydrator) {
        whole = ChatResponseRehydrator(rehydrator)
        growing = GrowingTexts(rehydrator)
    }

    /// One chunk, rewritten: its texts carry what can be released so far.
    mutating func rehydrate(chunk: JSONValue) async -> JSONValue {
        lastChunk = chunk
        guard case let .object(members) = chunk else { return await whole.restore(chunk, key: nil) }
        var output: [(String, JSONValue)] = []
        for (key, value) in members {
            if key == "choices", case let .array(choices) = value {
                var rewritten: [JSONValue] = []
                for choice in choices { rewritten.append(await rehydrateChoice(choice)) }
                output.append((key, .array(rewritten)))
            } else {
                output.append(await whole.restoreMember(key, value))
            }
        }
        return .object(output)
    }

    private mutating func rehydrateChoice(_ choice: JSONValue) async -> JSONValue {
        guard case let .object(fields) = choice else { return await whole.restore(choice, key: nil) }
        let index = choice["index"]?.intValue ?? 0
        let finishing = choice["finish_reason"].map { $0 != .null } ?? false
        var output: [(String, JSONValue)] = []
        for (key, value) in fields {
            switch (key, value) {
            case ("delta", .object):
                output.append((key, await growing(value, choice: index, path: [.member("delta")])))
            case let ("text", .string(text)):
                output.append((key, .string(await feed(text, choice: index, path: [.member("text")]))))
            case ("logprobs", _):
                output.append((key, .null))
            case ("index", _), ("finish_reason", _):
                output.append((key, value))
            default:
                output.append((key, await whole.restore(value, key: key)))
            }
        }
        var rewritten = JSONValue.object(output)
        guard finishing else { return rewritten }
        // The choice is done: what its texts still hold goes out in this chunk.
        for (path, rest) in await flush(choice: index) { rewritten = Self.inserting(rest, at: path, into: rewritten) }
        return rewritten
    }

    /// A delta's members: strings fed to their stream, tool calls by index, the rest restored whole.
    private mutating func growing(_ value: JSONValue, choice: Int, path: [Step]) async -> JSONValue {
        guard case let .object(members) = value else { return value }
        var output: [(String, JSONValue)] = []
        for (key, item) in members {
            let here = path + [.member(key)]
            switch item {
            case let .string(text) where !Self.wholeFields.contains(key):
                output.append((key, .string(await feed(text, choice: choice, path: here))))
            case .object:
                output.append((key, await growing(item, choice: choice, path: here)))
            case let .array(calls) where key == "tool_calls":
                var rewritten: [JSONValue] = []
                for (position, call) in calls.enumerated() {
                    let tool = call["index"]?.intValue ?? position
                    rewritten.append(await growing(call, choice: choice, path: path + [.tool(tool)]))
                }
                output.append((key, .array(rewritten)))
            default:
                output.append((key, await whole.restore(item, key: key)))
            }
        }
        return .object(output)
    }

    private mutating func feed(_ text: String, choice: Int, path: [Step]) async -> String {
        await growing.feed(text, to: StreamKey(choice: choice, path: path), isJSON: path.last == .member("arguments"))
    }

    /// What a choice's streams still hold, by path; the streams end.
    private mutating func flush(choice: Int) async -> [(path: [Step], rest: String)] {
        await growing.finish { $0.choice == choice }.map { ($0.key.path, $0.rest) }
    }

    /// A closing chunk for anything still held when the stream ends without a finish_reason.
    mutating func finishStream() async -> JSONValue? {
        guard let template = lastChunk, !growing.isEmpty else { return nil }
        var choices: [JSONValue] = []
        for choice in Set(growing.keys.map(\.choice)).sorted() {
            let flushed = await flush(choice: choice)
            guard !flushed.isEmpty else { continue }
            var rewritten = JSONValue.object([("index", .int(choice))])
            for (path, rest) in flushed { rewritten = Self.inserting(rest, at: path, into: rewritten) }
            guard case let .object(fields) = rewritten else { continue }
            choices.append(.object(fields + [("finish_reason", .null)]))
        }
        guard !choices.isEmpty, case let .object(members) = template else { return nil }
        return .object(members.map { $0.0 == "choices" ? ($0.0, .array(choices)) : $0 })
    }

    /// `text` appended to the string at `path` inside `value` (created where missing): a choice's
    /// `text`, or a string of its `delta`, where a tool step becomes the element of `tool_calls`
    /// with that index.
    static func inserting(_ text: String, at path: [Step], into value: JSONValue) -> JSONValue {
        guard let step = path.first else {
            if case let .string(existing) = value { return .string(existing + text) }
            return .string(text)
        }
        let rest = Array(path.dropFirst())
        var members: [(String, JSONValue)] = []
        if case let .object(existing) = value { members = existing }
        switch step {
        case let .member(name):
            if let position = members.firstIndex(where: { $0.0 == name }) {
                members[position].1 = inserting(text, at: rest, into: members[position].1)
            } else {
                members.append((name, inserting(text, at: rest, into: .object([]))))
            }
        case let .tool(index):
            var calls: [JSONValue] = []
            if let position = members.firstIndex(where: { $0.0 == "tool_calls" }), case let .array(existing) = members[position].1 {
                calls = existing
                members.remove(at: position)
            }
            if let position = calls.firstIndex(where: { $0["index"]?.intValue == index }) {
                calls[position] = inserting(text, at: rest, into: calls[position])
            } else {
                calls.append(inserting(text, at: rest, into: .object([("index", .int(index))])))
            }
            members.append(("tool_calls", .array(calls)))
        }
        return .object(members)
    }

    /// Events recorded since the last call (the proxy appends them to the audit log as it goes).
    mutating func takeEvents() -> [RehydrationEvent] {
        growing.takeEvents() + whole.takeEvents()
    }
}

/// Chat-completion chunks as a `WireFormat`'s stream: `[DONE]` first releases what is held.
extension ChatStreamRehydrator: StreamRestoring {
    mutating func restore(_ data: String) async -> (came: JSONValue?, output: [StreamOutput], finished: Bool) {
        if data == "[DONE]" {
            return (nil, (await finishStream()).map { [.event($0), .done] } ?? [.done], true)
        }
        guard let chunk = try? JSONParser.parse(data) else { return (nil, [], false) } // not JSON: nothing a client could use
        return (chunk, [.event(await rehydrate(chunk: chunk))], false)
    }

    mutating func finish() async -> [JSONValue] { (await finishStream()).map { [$0] } ?? [] }
}
