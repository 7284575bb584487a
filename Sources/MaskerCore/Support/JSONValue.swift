/// A JSON value with ordered object keys and exact integers, for machine-readable output whose shape
/// varies by field (policy diffs) and must stay stable for scripts that read it.
///
/// Not `indirect`: the recursive cases hold arrays, which are references already, so the enum
/// has a fixed size without boxing. As `indirect`, every value built (each string and number the
/// parser read from a request, each field of an audit record) was a heap allocation of its own,
/// about a fifth of a proxied turn's (`bench/allocations.sh`).
public enum JSONValue: Equatable, Sendable, Encodable, CustomStringConvertible {
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

    /// Any number, as a `Double` (however it was written: `3`, `3.0`, a large unsigned).
    public var doubleValue: Double? {
        switch self {
        case let .int(value): return Double(value)
        case let .uint(value): return Double(value)
        case let .double(value): return value
        default: return nil
        }
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
        String(decoding: serializedBytes(indent: indent), as: UTF8.self)
    }

    /// `serialized` as UTF-8, for bodies that go out as bytes.
    ///
    /// Written into bytes rather than a `String`, as `canonicalBytes` is: every proxied turn
    /// serialises the request it forwards, the answer it returns and each streamed chunk, and
    /// appending to a `String` scalar by scalar (escaping each) took about 5 % of the proxy's CPU.
    public func serializedBytes(indent: Int? = nil) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(to: &output, indent: indent, depth: 0)
        return output
    }

    private func write(to output: inout [UInt8], indent: Int?, depth: Int) {
        @inline(__always) func newline() { if indent != nil { output.append(UInt8(ascii: "\n")) } }
        @inline(__always) func pad(_ level: Int) {
            if let indent { output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level)) }
        }
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case let .bool(value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case let .int(value): output.append(contentsOf: String(value).utf8)
        case let .uint(value): output.append(contentsOf: String(value).utf8)
        case let .double(value):
            // JSON has no NaN or infinity; policies never hold them, but never emit invalid JSON.
            output.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        case let .string(value): Self.writeString(value, to: &output)
        case let .array(values):
            guard !values.isEmpty else { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            newline()
            for (index, value) in values.enumerated() {
                pad(depth + 1)
                value.write(to: &output, indent: indent, depth: depth + 1)
                if index < values.count - 1 { output.append(UInt8(ascii: ",")) }
                newline()
            }
            pad(depth)
            output.append(UInt8(ascii: "]"))
        case let .object(pairs):
            guard !pairs.isEmpty else { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            newline()
            for (index, (key, value)) in pairs.enumerated() {
                pad(depth + 1)
                Self.writeString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                value.write(to: &output, indent: indent, depth: depth + 1)
                if index < pairs.count - 1 { output.append(UInt8(ascii: ",")) }
                newline()
            }
            pad(depth)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// `"`, `\`, newline, carriage return and tab in their short forms; every other byte below
    /// 0x20, and 0x7F, as `\u00xx`; everything else (all of UTF-8 beyond ASCII) as it is. Runs
    /// that need no escape are copied whole.
    private static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
                case UInt8(ascii: "\n"): output.append(contentsOf: "\\n".utf8)
                case UInt8(ascii: "\r"): output.append(contentsOf: "\\r".utf8)
                case UInt8(ascii: "\t"): output.append(contentsOf: "\\t".utf8)
                default:
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(Hex.digits[Int(byte >> 4)])
                    output.append(Hex.digits[Int(byte & 0xF)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
