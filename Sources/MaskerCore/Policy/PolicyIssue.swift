/// Stable codes for policy problems. The raw values are part of the CLI's and API's contract:
/// scripts match on them, so never rename one.
public enum PolicyIssueCode: String, CaseIterable, Sendable, Codable {
    // Errors
    case yamlSyntax = "yaml_syntax"
    case invalidType = "invalid_type"
    case unknownKey = "unknown_key"
    case duplicateKey = "duplicate_key"
    case missingField = "missing_field"
    case unsupportedVersion = "unsupported_version"
    case invalidKid = "invalid_kid"
    case unknownKid = "unknown_kid"
    case invalidKey = "invalid_key"
    case invalidPass = "invalid_pass"
    case duplicatePass = "duplicate_pass"
    case missingEntity = "missing_entity"
    case unknownEntity = "unknown_entity"
    case duplicateKind = "duplicate_kind"
    case invalidAction = "invalid_action"
    case invalidScheme = "invalid_scheme"
    case outOfRange = "out_of_range"
    case invalidPattern = "invalid_pattern"
    case unmaskedCaller = "unmasked_caller"
    // Warnings: the policy loads, but probably does not do what its author meant.
    case undeclaredKinds = "undeclared_kinds"
    case entityNotDetected = "entity_not_detected"
    case fixedSeed = "fixed_seed"

    public var severity: PolicyIssue.Severity {
        switch self {
        case .undeclaredKinds, .entityNotDetected, .fixedSeed: return .warning
        default: return .error
        }
    }
}

/// One problem found in a policy document, located precisely enough for an editor to jump to it.
///
/// Messages quote configuration values (a misspelt pass name, say) but never key material: key
/// problems name the environment variable only.
public struct PolicyIssue: Equatable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var code: PolicyIssueCode
    public var severity: Severity
    /// Dotted YAML path: `entities.PHONE.confidence_threshold`, `passes[1]`, or `` for the root.
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    /// One line telling the author what to change.
    public var fix: String

    public init(_ code: PolicyIssueCode, path: String, at location: SourcePosition, message: String, fix: String) {
        self.code = code
        self.severity = code.severity
        self.path = path
        self.line = location.line
        self.column = location.column
        self.message = message
        self.fix = fix
    }

    public var location: SourcePosition { SourcePosition(line: line, column: column) }

    /// `12:5: error[invalid_pass] passes[1]: …` followed by an indented fix line.
    public var description: String {
        let pathPart = path.isEmpty ? "" : " \(path):"
        return "\(line):\(column): \(severity.rawValue)[\(code.rawValue)]\(pathPart) \(message)\n  fix: \(fix)"
    }
}

extension Array where Element == PolicyIssue {
    public var errors: [PolicyIssue] { filter { $0.severity == .error } }
    public var warnings: [PolicyIssue] { filter { $0.severity == .warning } }
}
