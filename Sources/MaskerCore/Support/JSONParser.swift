/// A strict RFC 8259 parser into `JSONValue` that keeps the one distinction the audit chain needs:
/// a number written without a fraction or exponent is an integer, any other a double, exactly as
/// Python's `json` module reads it. Foundation's `JSONSerialization` hands back `NSNumber`s whose
/// integer-ness cannot be told apart reliably on Linux (`1.0` and `1` look alike), and a verifier
/// that re-serialised `1.0` as `1` would call an untouched record edited; hence written by hand.
public struct JSONParser {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// Byte offset in the input where parsing stopped.
        public var offset: Int
        public var reason: String
        public var description: String { "\(reason) at byte \(offset + 1)" }
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    /// Deeper nesting than any record we write; bounded so hostile input cannot exhaust the stack.
    static let maxDepth = 64

    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: position, reason: reason)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func expect(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("unexpected end of input") }
        for index in 0..<count where bytes[position + index] != literal.utf8Start[index] {
            throw failure("invalid literal")
        }
        position += count
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard let byte = current else { throw failure("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character")
        }
    }

    private mutating func nested<T>(_ body: (inout JSONParser) throws(Failure) -> T) throws(Failure) -> T {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth) levels") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try nested { (parser: inout JSONParser) throws(Failure) -> JSONValue in
            parser.position += 1
            var pairs: [(String, JSONValue)] = []
            parser.skipWhitespace()
            if parser.current == UInt8(ascii: "}") { parser.position += 1; return .object(pairs) }
            // Room for a chat message's keys at once, rather than growing one pair at a time.
            pairs.reserveCapacity(4)
            // Duplicate keys are found by scanning while an object is small, and through a set
            // from `Self.keySetThreshold` keys on: scanning alone made an object of n keys cost
            // n²/2 comparisons (a 1 MB body of short keys, billions), a request anyone could send.
            var keys: Set<String>?
            while true {
                parser.skipWhitespace()
                guard parser.current == UInt8(ascii: "\"") else { throw parser.failure("expected a string key") }
                let key = try parser.string()
                parser.skipWhitespace()
                guard parser.current == UInt8(ascii: ":") else { throw parser.failure("expected ':'") }
                parser.position += 1
                parser.skipWhitespace()
                let value = try parser.value()
                let isNew = keys?.insert(key).inserted ?? !pairs.contains { $0.0 == key }
                guard isNew else { throw parser.failure("duplicate key \"\(key)\"") }
                if keys == nil, pairs.count + 1 == Self.keySetThreshold { keys = Set(pairs.map(\.0) + [key]) }
                pairs.append((key, value))
                parser.skipWhitespace()
                switch parser.current {
                case UInt8(ascii: ","): parser.position += 1
                case UInt8(ascii: "}"): parser.position += 1; return .object(pairs)
                default: throw parser.failure("expected ',' or '}'")
                }
            }
        }
    }

    static let keySetThreshold = 16

    private mutating func array() throws(Failure) -> JSONValue {
        try nested { (parser: inout JSONParser) throws(Failure) -> JSONValue in
            parser.position += 1
            var values: [JSONValue] = []
            parser.skipWhitespace()
            if parser.current == UInt8(ascii: "]") { parser.position += 1; return .array(values) }
            while true {
                parser.skipWhitespace()
                values.append(try parser.value())
                parser.skipWhitespace()
                switch parser.current {
                case UInt8(ascii: ","): parser.position += 1
                case UInt8(ascii: "]"): parser.position += 1; return .array(values)
                default: throw parser.failure("expected ',' or ']'")
                }
            }
        }
    }

    private mutating func string() throws(Failure) -> String {
        position += 1
        // UTF-8 bytes, not a `String.UnicodeScalarView`: appending a sequence to the view grows it
        // by exactly what is added, so a long string with many escapes was copied again per escape.
        var utf8: [UInt8] = []
        var runStart = position
        func flush(_ parser: JSONParser, upTo end: Int) throws(Failure) {
            guard runStart < end else { return }
            let run = parser.bytes[runStart..<end]
            guard String(validating: run, as: UTF8.self) != nil else {
                throw Failure(offset: runStart, reason: "invalid UTF-8 in a string")
            }
            utf8.append(contentsOf: run)
        }
        func append(_ scalar: Unicode.Scalar) { utf8.append(contentsOf: UTF8.encode(scalar)!) }
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                // Most strings hold no escape: validated once, they become the string directly
                // (one allocation, none up to 15 bytes) instead of a byte array copied into one.
                if utf8.isEmpty, let whole = String(validating: bytes[runStart..<position], as: UTF8.self) {
                    position += 1
                    return whole
                }
                try flush(self, upTo: position)
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try flush(self, upTo: position)
                position += 1
                guard let escape = current else { throw failure("unterminated escape") }
                position += 1
                switch escape {
                case UInt8(ascii: "\""): append("\"")
                case UInt8(ascii: "\\"): append("\\")
                case UInt8(ascii: "/"): append("/")
                case UInt8(ascii: "b"): append("\u{08}")
                case UInt8(ascii: "f"): append("\u{0C}")
                case UInt8(ascii: "n"): append("\n")
                case UInt8(ascii: "r"): append("\r")
                case UInt8(ascii: "t"): append("\t")
                case UInt8(ascii: "u"): append(try unicodeEscape())
                default: throw failure("invalid escape")
                }
                runStart = position
            case 0x00..<0x20:
                throw failure("control character in a string")
            default:
                position += 1
            }
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
        let first = try hexQuad()
        if (0xD800..<0xDC00).contains(first) {
            guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired surrogate")
            }
            position += 2
            let second = try hexQuad()
            guard (0xDC00..<0xE000).contains(second),
                  let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else {
                throw failure("unpaired surrogate")
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw failure("unpaired surrogate") }
        return scalar
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let lead = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(lead) else { throw failure("invalid number") }
        if lead == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard skipDigits() > 0 else { throw failure("invalid number") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() > 0 else { throw failure("invalid number") }
        }
        let literal = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int(literal) { return .int(integer) }
        // Beyond Int but within UInt64 (a 19- or 20-digit account or card number): kept exact, so
        // it is written back digit for digit and masked as the identifier it may be.
        if isInteger, let integer = UInt64(literal) { return .uint(integer) }
        guard let double = Double(literal), double.isFinite else { throw Failure(offset: start, reason: "number out of range") }
        return .double(double)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }
}
