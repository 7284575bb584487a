/// A JSON value with ordered object keys and exact integers, for machine-readable output whose shape
/// varies by field (policy diffs) and must stay stable for scripts that read it.
public indirect enum JSONValue: Equatable, Sendable, Encodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.uint(a), .uint(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case let .bool(value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case let .int(value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case let .uint(value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case let .double(value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case let .string(value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case let .array(values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case let .object(pairs):
            var container = encoder.container(keyedBy: DynamicCodingKey.self)
            for (key, value) in pairs { try container.encode(value, forKey: DynamicCodingKey(key)) }
        }
    }

    /// Compact, YAML-flavoured text for people: `[regex, gemma]`, `{action: redact}`.
    public var description: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return String(value)
        case let .int(value): return String(value)
        case let .uint(value): return String(value)
        case let .double(value): return String(value)
        case let .string(value):
            // Quote what would otherwise be ambiguous on one line: empty, multi-line, padded.
            let needsQuotes = value.isEmpty || value.contains(where: \.isNewline) || value.first == " " || value.last == " "
            return needsQuotes ? serialized() : value
        case let .array(values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case let .object(pairs): return "{" + pairs.map { "\($0.0): \($0.1.description)" }.joined(separator: ", ") + "}"
        }
    }
}

extension JSONValue {
    /// The value of an object's member (the first, were a key repeated); nil for a missing key
    /// or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    public var stringValue: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        if case let .int(value) = self { return value }
        return nil
    }

    /// The same object with each member's value replaced by `transform(key, value)`, keys and
    /// their order kept; any other value unchanged. For rewriting a few known fields of a document
    /// while passing every unknown one through.
    public func mappingMembers(_ transform: (String, JSONValue) async throws -> JSONValue) async rethrows -> JSONValue {
        guard case let .object(pairs) = self else { return self }
        var output: [(String, JSONValue)] = []
        output.reserveCapacity(pairs.count)
        for (key, value) in pairs { output.append((key, try await transform(key, value))) }
        return .object(output)
    }

    /// The same array with each element replaced by `transform(element)`; any other value unchanged.
    public func mappingElements(_ transform: (JSONValue) async throws -> JSONValue) async rethrows -> JSONValue {
        guard case let .array(items) = self else { return self }
        var output: [JSONValue] = []
        output.reserveCapacity(items.count)
        for item in items { output.append(try await transform(item)) }
        return .array(output)
    }

    /// `mappingMembers` for a transform that never waits: no async frame per member.
    public func mappingMembers(_ transform: (String, JSONValue) throws -> JSONValue) rethrows -> JSONValue {
        guard case let .object(pairs) = self else { return self }
        var output: [(String, JSONValue)] = []
        output.reserveCapacity(pairs.count)
        for (key, value) in pairs { output.append((key, try transform(key, value))) }
        return .object(output)
    }

    /// `mappingElements` for a transform that never waits.
    public func mappingElements(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONValue {
        guard case let .array(items) = self else { return self }
        var output: [JSONValue] = []
        output.reserveCapacity(items.count)
        for item in items { output.append(try transform(item)) }
        return .array(output)
    }
}

extension JSONValue {
    /// JSON text with keys in their stored order. `indent` nil gives one line.
    public func serialized(indent: Int? = nil) -> String {
        var output = ""
        write(to: &output, indent: indent, depth: 0)
        return output
    }

    private func write(to output: inout String, indent: Int?, depth: Int) {
        let newline = indent == nil ? "" : "\n"
        let pad = { (level: Int) in String(repeating: " ", count: (indent ?? 0) * level) }
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .uint(value): output += String(value)
        case let .double(value):
            // JSON has no NaN or infinity; policies never hold them, but never emit invalid JSON.
            output += value.isFinite ? String(value) : "null"
        case let .string(value): Self.writeString(value, to: &output)
        case let .array(values):
            guard !values.isEmpty else { output += "[]"; return }
            output += "[" + newline
            for (index, value) in values.enumerated() {
                output += pad(depth + 1)
                value.write(to: &output, indent: indent, depth: depth + 1)
                output += (index < values.count - 1 ? "," : "") + newline
            }
            output += pad(depth) + "]"
        case let .object(pairs):
            guard !pairs.isEmpty else { output += "{}"; return }
            output += "{" + newline
            for (index, (key, value)) in pairs.enumerated() {
                output += pad(depth + 1)
                Self.writeString(key, to: &output)
                output += indent == nil ? ":" : ": "
                value.write(to: &output, indent: indent, depth: depth + 1)
                output += (index < pairs.count - 1 ? "," : "") + newline
            }
            output += pad(depth) + "}"
        }
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
