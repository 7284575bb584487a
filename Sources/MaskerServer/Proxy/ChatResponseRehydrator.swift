import MaskerCore

/// Restores the originals in a model's answer: `choices[*].message.content`, and the tool-call
/// arguments, whose restored values are written JSON-escaped so the arguments stay valid JSON.
/// Whole answers only; `ChatStreamRehydrator` handles streamed chunks, whose tokens may be split
/// anywhere.
struct ChatResponseRehydrator {
    let plain: Rehydrator
    let json: Rehydrator
    private(set) var events: [RehydrationEvent] = []

    init(_ rehydrator: Rehydrator) {
        plain = rehydrator.encoding(.plain)
        json = rehydrator.encoding(.jsonStringContent)
    }

    /// A whole (non-streaming) answer.
    mutating func rehydrate(_ response: JSONValue) async -> JSONValue {
        await response.mappingMembers { key, choices in
            guard key == "choices" else { return choices }
            return await choices.mappingElements { choice in
                await choice.mappingMembers { key, message in
                    key == "message" ? await rehydrateMessage(message) : message
                }
            }
        }
    }

    private mutating func rehydrateMessage(_ message: JSONValue) async -> JSONValue {
        await message.mappingMembers { key, value in
            switch (key, value) {
            case let ("content", .string(text)):
                return .string(await rehydrate(text, with: plain))
            case ("tool_calls", _):
                return await value.mappingElements { call in
                    await call.mappingMembers { key, function in key == "function" ? await rehydrateFunction(function) : function }
                }
            case ("function_call", _):
                return await rehydrateFunction(value)
            default:
                return value
            }
        }
    }

    private mutating func rehydrateFunction(_ function: JSONValue) async -> JSONValue {
        await function.mappingMembers { key, value in
            guard key == "arguments", case let .string(text) = value else { return value }
            return .string(await rehydrate(text, with: json))
        }
    }

    private mutating func rehydrate(_ text: String, with rehydrator: Rehydrator) async -> String {
        let result = await rehydrator.rehydrate(text)
        events += result.events
        return result.text
    }
}

/// Per-stream state for rehydrating `chat.completion.chunk`s: one streaming rehydrator per choice's
/// content and per tool call's arguments, flushed when that choice finishes.
struct ChatStreamRehydrator {
    private let plain: Rehydrator
    private let json: Rehydrator
    private var content: [Int: StreamingRehydrator] = [:]
    private var arguments: [Int: [Int: StreamingRehydrator]] = [:]
    private(set) var events: [RehydrationEvent] = []
    /// The last chunk seen, as the template for a closing chunk if text is still held at `[DONE]`.
    private var lastChunk: JSONValue?

    init(_ rehydrator: Rehydrator) {
        plain = rehydrator.encoding(.plain)
        json = rehydrator.encoding(.jsonStringContent)
    }

    /// One chunk, rewritten: its deltas carry what can be released so far.
    mutating func rehydrate(chunk: JSONValue) async -> JSONValue {
        lastChunk = chunk
        return await chunk.mappingMembers { key, choices in
            key == "choices" ? await choices.mappingElements { await rehydrateChoice($0) } : choices
        }
    }

    private mutating func rehydrateChoice(_ choice: JSONValue) async -> JSONValue {
        guard case let .object(fields) = choice else { return choice }
        let index = choice["index"]?.intValue ?? 0
        let finishing = choice["finish_reason"].map { $0 != .null } ?? false
        var output: [(String, JSONValue)] = []
        var sawDelta = false
        for (key, value) in fields {
            guard key == "delta" else { output.append((key, value)); continue }
            sawDelta = true
            output.append((key, await rehydrateDelta(value, choice: index, finishing: finishing)))
        }
        if finishing, !sawDelta {
            output.append(("delta", await rehydrateDelta(.object([]), choice: index, finishing: true)))
        }
        return .object(output)
    }

    private mutating func rehydrateDelta(_ delta: JSONValue, choice: Int, finishing: Bool) async -> JSONValue {
        guard case let .object(fields) = delta else { return delta }
        var output: [(String, JSONValue)] = []
        var sawContent = false, sawToolCalls = false
        for (key, value) in fields {
            switch (key, value) {
            case let ("content", .string(text)):
                sawContent = true
                var state = content[choice] ?? StreamingRehydrator(rehydrator: plain)
                var released = await Self.feed(&state, text, into: &events)
                if finishing {
                    released += await Self.finish(state, into: &events)
                    content[choice] = nil
                } else {
                    content[choice] = state
                }
                output.append((key, .string(released)))
            case let ("tool_calls", .array(calls)):
                sawToolCalls = true
                var rewritten: [JSONValue] = []
                for call in calls { rewritten.append(await rehydrateToolCall(call, choice: choice)) }
                if finishing { rewritten += await flushArguments(choice: choice) }
                output.append((key, .array(rewritten)))
            default:
                output.append((key, value))
            }
        }
        if finishing {
            if !sawContent, let state = content[choice] {
                let rest = await Self.finish(state, into: &events)
                if !rest.isEmpty { output.append(("content", .string(rest))) }
            }
            if !sawToolCalls {
                let rest = await flushArguments(choice: choice)
                if !rest.isEmpty { output.append(("tool_calls", .array(rest))) }
            }
            content[choice] = nil
            arguments[choice] = nil
        }
        return .object(output)
    }

    private mutating func rehydrateToolCall(_ call: JSONValue, choice: Int) async -> JSONValue {
        let index = call["index"]?.intValue ?? 0
        return await call.mappingMembers { key, function in
            guard key == "function" else { return function }
            return await function.mappingMembers { key, value in
                guard key == "arguments", case let .string(text) = value else { return value }
                var state = arguments[choice]?[index] ?? StreamingRehydrator(rehydrator: json)
                let released = await Self.feed(&state, text, into: &events)
                arguments[choice, default: [:]][index] = state
                return .string(released)
            }
        }
    }

    /// Whatever the tool calls of a finishing choice still hold, as tool-call deltas.
    private mutating func flushArguments(choice: Int) async -> [JSONValue] {
        guard let states = arguments[choice] else { return [] }
        var deltas: [JSONValue] = []
        for index in states.keys.sorted() {
            guard let state = states[index] else { continue }
            let rest = await Self.finish(state, into: &events)
            if !rest.isEmpty {
                deltas.append(.object([("index", .int(index)), ("function", .object([("arguments", .string(rest))]))]))
            }
        }
        arguments[choice] = nil
        return deltas
    }

    /// A closing chunk for anything still held when the stream ends without a finish_reason.
    mutating func finishStream() async -> JSONValue? {
        guard let template = lastChunk, !content.isEmpty || !arguments.isEmpty else { return nil }
        var choices: [JSONValue] = []
        for choice in Set(content.keys).union(arguments.keys).sorted() {
            var delta: [(String, JSONValue)] = []
            if let state = content[choice] {
                let rest = await Self.finish(state, into: &events)
                if !rest.isEmpty { delta.append(("content", .string(rest))) }
            }
            let calls = await flushArguments(choice: choice)
            if !calls.isEmpty { delta.append(("tool_calls", .array(calls))) }
            if !delta.isEmpty { choices.append(.object([("index", .int(choice)), ("delta", .object(delta)), ("finish_reason", .null)])) }
        }
        content = [:]
        arguments = [:]
        guard !choices.isEmpty, case let .object(fields) = template else { return nil }
        return .object(fields.map { $0.0 == "choices" ? ($0.0, .array(choices)) : $0 })
    }

    private static func feed(_ state: inout StreamingRehydrator, _ text: String, into events: inout [RehydrationEvent]) async -> String {
        let released = await state.feed(Array(text.utf8))
        events += state.takeEvents()
        return String(decoding: released, as: UTF8.self)
    }

    private static func finish(_ state: StreamingRehydrator, into events: inout [RehydrationEvent]) async -> String {
        var state = state
        let released = await state.finish()
        events += state.takeEvents()
        return String(decoding: released, as: UTF8.self)
    }

    /// Events recorded since the last call (the proxy appends them to the audit log as it goes).
    mutating func takeEvents() -> [RehydrationEvent] {
        defer { events = [] }
        return events
    }
}
