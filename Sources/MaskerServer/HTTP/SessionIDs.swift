import MaskerCore

/// Session ids a client names (`Masker-Session-Id`, `session` in `/api/v1` bodies): written into
/// the audit log, the vault's scopes and the session list as they are, so they follow `OpaqueID`'s
/// grammar, which call ids and UUIDs pass and names, phone numbers and emails do not. Anything
/// else is refused with 400 `invalid_session_id` before anything is written.
enum SessionIDs {
    static let maxLength = 128

    static func isValid(_ id: String) -> Bool { OpaqueID.problem(with: id, maxLength: maxLength) == nil }

    /// The id when valid; the error names where it came from and why, never the id itself.
    static func check(_ id: String, source: String) throws(APIError) -> String {
        guard let problem = OpaqueID.problem(with: id, maxLength: maxLength) else { return id }
        var error = APIError(.badRequest, "invalid_session_id",
                             "\(source) must be an opaque call id (a UUID or your platform's call id: 1-\(maxLength) letters, digits, "
                                 + "'_', '.', ':' or '-'), and \(problem.explanation); nothing was written")
        error.param = source == "Masker-Session-Id" ? nil : source
        throw error
    }

    /// A body's optional `session`: nil when absent, the id when valid, 400 otherwise (also for a
    /// session that is not a string).
    static func optional(_ body: JSONValue) throws(APIError) -> String? {
        guard let value = body["session"], value != .null else { return nil }
        guard case let .string(id) = value else {
            var error = APIError(.badRequest, "invalid_session_id", "session must be a string: an opaque call id")
            error.param = "session"
            throw error
        }
        return try check(id, source: "session")
    }
}
