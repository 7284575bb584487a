import Foundation
import MaskerCore

/// Writes command output. Results go to stdout; diagnostics and logs go to stderr, so `--json`
/// output can always be piped into another program.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes exactly `text` (no newline added), for streamed output.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        // Sorted keys: Foundation's encoder does not keep declaration order on Linux; sorted is at least stable.
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `file:line:col: error[code] path: message` then `  fix: …`, the shape editors and CI
    /// annotators recognise.
    static func render(_ issues: [PolicyIssue], file: String) -> String {
        issues.map { "\(file):\($0.description)" }.joined(separator: "\n")
    }

    /// A server object (an agent, a session) as `key: value` lines, in the server's key order.
    static func fields(_ object: JSONValue) -> String {
        guard case let .object(fields) = object else { return object.serialized() }
        return fields.map { key, value in
            switch value {
            case let .string(string): return "\(key): \(string)"
            case .null: return "\(key): -"
            default: return "\(key): \(value.serialized())"
            }
        }.joined(separator: "\n")
    }

    static func count(_ n: Int, _ word: String) -> String {
        "\(n) \(word)\(n == 1 ? "" : "s")"
    }

    static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }
}

/// The JSON shape of a validation result, shared by `policy validate` and errors from other commands.
struct ValidationReport: Encodable {
    struct PolicyRef: Encodable {
        var name: String
        var version: Int
    }

    var file: String
    var valid: Bool
    var policy: PolicyRef?
    var errors: Int
    var warnings: Int
    var issues: [PolicyIssue]

    init(file: String, policy: Policy?, issues: [PolicyIssue]) {
        self.file = file
        valid = issues.errors.isEmpty
        self.policy = valid ? policy.map { PolicyRef(name: $0.name, version: $0.version) } : nil
        errors = issues.errors.count
        warnings = issues.warnings.count
        self.issues = issues
    }
}
