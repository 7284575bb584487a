import MaskerCore

/// Why a request was refused before anything was sent: a field of the wrong shape, an identifier
/// that could carry PHI, content Masker cannot read. Answered as 400 in OpenAI's error shape with
/// `param` set to the field's JSON path (made of the schema's own names and indices, never of the
/// request's keys or values, which may be PHI).
///
/// The path is put together as the refusal travels up out of the walk (`at`), so a request that
/// is not refused builds no path at all: the walk visits every member of every turn.
struct RequestRefusal: Error, Sendable, Equatable {
    enum Code: String, Sendable {
        /// A known field of the wrong type or shape.
        case invalidRequest = "invalid_request"
        /// An identifier (tool name, tool-call id, file id) that does not follow `OpaqueID`.
        case invalidIdentifier = "invalid_identifier"
        /// Images, audio and files as bytes: no recognizer reads them, so they are not forwarded.
        case unscannableContent = "unscannable_content"
    }

    var code: Code
    /// What is wrong, said of the field: "must be a string", "is forwarded unmasked, so…".
    var problem: String
    /// Path segments, innermost first, as the refusal came up (`at`).
    private var segments: [String] = []

    init(_ code: Code, _ problem: String) {
        self.code = code
        self.problem = problem
    }

    static func shape(_ expected: String) -> RequestRefusal {
        RequestRefusal(.invalidRequest, "must be \(expected) (OpenAI's chat-completions schema)")
    }

    /// The same refusal, one level further out: `.name` for a member, `[3]` for an element, or a
    /// top-level field's name.
    func at(_ segment: String) -> RequestRefusal {
        var outer = self
        outer.segments.append(segment)
        return outer
    }

    var path: String {
        guard !segments.isEmpty else { return "the request" }
        var path = segments.reversed().joined()
        if path.hasPrefix(".") { path.removeFirst() }
        return path
    }

    var message: String { "\(path) \(problem); nothing was sent to the model" }

    var apiError: APIError {
        var error = APIError(.badRequest, code.rawValue, message)
        error.param = segments.isEmpty ? nil : path
        return error
    }
}

/// Shape checks shared by the request walkers. Each throws a refusal without a path; the walker
/// adds it on the way out.
enum RequestShape {
    static func string(_ value: JSONValue) throws(RequestRefusal) -> String {
        guard case let .string(text) = value else { throw .shape("a string") }
        return text
    }

    @discardableResult
    static func optionalString(_ value: JSONValue) throws(RequestRefusal) -> JSONValue {
        guard case .string = value else {
            guard value == .null else { throw .shape("a string or null") }
            return value
        }
        return value
    }

    @discardableResult
    static func bool(_ value: JSONValue) throws(RequestRefusal) -> JSONValue {
        switch value {
        case .bool, .null: return value
        default: throw .shape("a boolean or null")
        }
    }

    /// A number forwarded as it is, so bounded to OpenAI's documented range: a number out of it
    /// (a phone number as a `temperature`) is refused, never sent.
    @discardableResult
    static func number(_ value: JSONValue, in range: ClosedRange<Double>) throws(RequestRefusal) -> JSONValue {
        if value == .null { return value }
        guard let number = value.doubleValue else { throw .shape("a number or null") }
        guard range.contains(number) else { throw .shape("a number from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    /// An integer forwarded as it is, bounded likewise (`max_tokens` up to a million: never the
    /// ten digits of a phone number).
    @discardableResult
    static func integer(_ value: JSONValue, in range: ClosedRange<Int>) throws(RequestRefusal) -> JSONValue {
        switch value {
        case .null: return value
        case let .int(integer) where range.contains(integer): return value
        case .int, .uint: throw .shape("an integer from \(range.lowerBound) to \(range.upperBound)")
        default: throw .shape("an integer or null")
        }
    }

    /// Any integer: the seed, which is replaced before it is sent (`RequestSeed`).
    @discardableResult
    static func anyInteger(_ value: JSONValue) throws(RequestRefusal) -> JSONValue {
        switch value {
        case .int, .uint, .null: return value
        default: throw .shape("an integer or null")
        }
    }

    static func object(_ value: JSONValue, orNull: Bool = true) throws(RequestRefusal) -> [(String, JSONValue)]? {
        switch value {
        case let .object(members): return members
        case .null where orNull: return nil
        default: throw .shape(orNull ? "an object or null" : "an object")
        }
    }

    static func array(_ value: JSONValue, orNull: Bool = true) throws(RequestRefusal) -> [JSONValue]? {
        switch value {
        case let .array(items): return items
        case .null where orNull: return nil
        default: throw .shape(orNull ? "an array or null" : "an array")
        }
    }

    /// An enumerated word of the schema (`role`, `type`, `detail`, `service_tier`…): forwarded
    /// without masking, so it must look like one. Values OpenAI adds later pass; a name, a phone
    /// number or free text does not.
    @discardableResult
    static func keyword(_ value: JSONValue, orNull: Bool = true) throws(RequestRefusal) -> JSONValue {
        if value == .null, orNull { return value }
        guard case let .string(text) = value, isKeyword(text) else {
            throw .shape("one of the schema's lower-case keywords")
        }
        return value
    }

    /// 1–64 of `a-z 0-9 _ - .`, with no run of 7 digits (separators ignored, as `OpaqueID`
    /// counts them). Checked on every message's role, so in one pass with no allocation.
    static func isKeyword(_ text: String) -> Bool {
        var count = 0, digits = 0
        for byte in text.utf8 {
            count += 1
            switch byte {
            case 48...57:
                digits += 1
                if digits >= 7 { return false }
            case 97...122: digits = 0
            case 95, 45, 46: break
            default: return false
            }
        }
        return count > 0 && count <= 64
    }

    /// An id or a name the model needs unchanged (tool names, tool-call ids): it cannot be masked,
    /// so it must be opaque (`OpaqueID`), or the request is refused.
    @discardableResult
    static func identifier(_ value: JSONValue, orNull: Bool = true) throws(RequestRefusal) -> JSONValue {
        if value == .null, orNull { return value }
        let text = try string(value)
        if let problem = OpaqueID.problem(with: text, maxLength: 256) {
            throw RequestRefusal(.invalidIdentifier, "is forwarded unmasked, so it must be an opaque id, and \(problem.explanation); "
                                     + "use a generated id or a name made of ordinary words")
        }
        return value
    }

    /// Bytes no recognizer reads.
    static func unscannable(_ what: String) -> RequestRefusal {
        RequestRefusal(.unscannableContent, "is \(what): Masker cannot find PHI in it, so it does not forward it; send text or an https URL")
    }
}
