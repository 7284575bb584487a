import MaskerCore

/// Why a request was refused before anything was sent: a field of the wrong shape, an identifier
/// that could carry PHI, content Masker cannot read. Answered as 400 in OpenAI's error shape with
/// `param` set to the field's JSON path (made of the schema's own names and indices, never of the
/// request's keys or values, which may be PHI).
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
    var path: String
    var message: String

    static func shape(_ path: RequestPath, _ expected: String) -> RequestRefusal {
        RequestRefusal(code: .invalidRequest, path: path.description,
                       message: "\(path) must be \(expected) (OpenAI's chat-completions schema); nothing was sent to the model")
    }

    var apiError: APIError {
        var error = APIError(.badRequest, code.rawValue, message)
        error.param = path
        return error
    }
}

/// A JSON path of the schema's field names and array indices: `messages[2].content[0].text`.
struct RequestPath: CustomStringConvertible, Sendable {
    private var parts: [String] = []

    init(_ parts: [String] = []) { self.parts = parts }

    func field(_ name: String) -> RequestPath { RequestPath(parts + [parts.isEmpty ? name : "." + name]) }
    func index(_ index: Int) -> RequestPath { RequestPath(parts + ["[\(index)]"]) }

    var description: String { parts.isEmpty ? "the request" : parts.joined() }
}

/// Shape checks shared by the request walkers.
enum RequestShape {
    static func string(_ value: JSONValue, _ path: RequestPath) throws(RequestRefusal) -> String {
        guard case let .string(text) = value else { throw .shape(path, "a string") }
        return text
    }

    static func optionalString(_ value: JSONValue, _ path: RequestPath) throws(RequestRefusal) {
        guard case .string = value else {
            guard value == .null else { throw .shape(path, "a string or null") }
            return
        }
    }

    static func bool(_ value: JSONValue, _ path: RequestPath) throws(RequestRefusal) {
        switch value {
        case .bool, .null: return
        default: throw .shape(path, "a boolean or null")
        }
    }

    static func number(_ value: JSONValue, _ path: RequestPath) throws(RequestRefusal) {
        switch value {
        case .int, .uint, .double, .null: return
        default: throw .shape(path, "a number or null")
        }
    }

    static func integer(_ value: JSONValue, _ path: RequestPath) throws(RequestRefusal) {
        switch value {
        case .int, .uint, .null: return
        default: throw .shape(path, "an integer or null")
        }
    }

    static func object(_ value: JSONValue, _ path: RequestPath, orNull: Bool = true) throws(RequestRefusal) -> [(String, JSONValue)]? {
        switch value {
        case let .object(members): return members
        case .null where orNull: return nil
        default: throw .shape(path, orNull ? "an object or null" : "an object")
        }
    }

    static func array(_ value: JSONValue, _ path: RequestPath, orNull: Bool = true) throws(RequestRefusal) -> [JSONValue]? {
        switch value {
        case let .array(items): return items
        case .null where orNull: return nil
        default: throw .shape(path, orNull ? "an array or null" : "an array")
        }
    }

    /// An enumerated word of the schema (`role`, `type`, `detail`, `service_tier`…): forwarded
    /// without masking, so it must look like one. Values OpenAI adds later pass; a name, a phone
    /// number or free text does not.
    static func keyword(_ value: JSONValue, _ path: RequestPath, orNull: Bool = true) throws(RequestRefusal) {
        if value == .null, orNull { return }
        guard case let .string(text) = value, !text.isEmpty, text.utf8.count <= 64,
              text.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 || $0 == 46 }),
              OpaqueID.problem(with: text) != .digitRun else {
            throw .shape(path, "one of the schema's lower-case keywords")
        }
    }

    /// An id or a name the model needs unchanged (tool names, tool-call ids): it cannot be masked,
    /// so it must be opaque (`OpaqueID`), or the request is refused.
    static func identifier(_ value: JSONValue, _ path: RequestPath, orNull: Bool = true) throws(RequestRefusal) {
        if value == .null, orNull { return }
        let text = try string(value, path)
        if let problem = OpaqueID.problem(with: text, maxLength: 256) {
            throw RequestRefusal(code: .invalidIdentifier, path: path.description,
                                 message: "\(path) is forwarded unmasked, so it must be an opaque id, and \(problem.explanation); "
                                     + "use a generated id or a name made of ordinary words")
        }
    }
}
