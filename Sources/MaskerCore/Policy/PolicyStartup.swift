import Logging

/// A policy that failed to load at start-up, with every problem found.
public struct PolicyInvalid: Error, Sendable {
    public var source: String
    public var issues: [PolicyIssue]

    public init(source: String, issues: [PolicyIssue]) {
        self.source = source
        self.issues = issues
    }
}

/// The policy a process runs with and where it came from.
public struct LoadedPolicy: Sendable {
    public enum Origin: Sendable, Equatable {
        case file(String)
        case builtInDefault
        /// Dev mode only: the file was invalid, so the built-in default is used instead.
        case fallbackAfterErrors(String)
    }

    public var policy: Policy
    public var origin: Origin
    public var warnings: [PolicyIssue]
}

/// How a process decides on its policy at start-up (SPEC section 1): in production an invalid
/// policy refuses to boot; with `MASKER_DEV=1` the problems are logged and the built-in default is
/// used, so a developer's half-edited file does not stop them working.
public enum PolicyStartup {
    /// - Parameters:
    ///   - text: the policy file's contents, or nil to use the built-in default.
    ///   - readIssues: problems found before parsing (a file that is not UTF-8); they count as errors.
    ///   - keyCheck: environment checks (unknown or malformed key) to add; nil skips them, as
    ///     `policy show` and `policy diff` do, since they never use a key.
    public static func load(text: String?, readIssues: [PolicyIssue] = [], source: String, devMode: Bool,
                            keyCheck: ((Policy, SourcePosition) -> [PolicyIssue])?,
                            logger: Logger) throws(PolicyInvalid) -> LoadedPolicy {
        if !readIssues.isEmpty {
            return try fallBack(source: source, issues: readIssues, devMode: devMode, keyCheck: keyCheck, logger: logger)
        }
        guard let text else {
            let issues = keyCheck?(.healthcareDefault, .start) ?? []
            if !issues.errors.isEmpty { throw PolicyInvalid(source: source, issues: issues) }
            return LoadedPolicy(policy: .healthcareDefault, origin: .builtInDefault, warnings: issues)
        }
        let parsed = PolicyParser.parse(text)
        var issues = parsed.issues
        if let policy = parsed.policy, let keyCheck {
            issues += keyCheck(policy, parsed.kidLocation)
        }
        if let policy = parsed.policy, issues.errors.isEmpty {
            return LoadedPolicy(policy: policy, origin: .file(source), warnings: issues.warnings)
        }
        return try fallBack(source: source, issues: issues, devMode: devMode, keyCheck: keyCheck, logger: logger)
    }

    private static func fallBack(source: String, issues: [PolicyIssue], devMode: Bool,
                                 keyCheck: ((Policy, SourcePosition) -> [PolicyIssue])?,
                                 logger: Logger) throws(PolicyInvalid) -> LoadedPolicy {
        guard devMode else { throw PolicyInvalid(source: source, issues: issues) }
        for issue in issues.errors {
            logger.error("policy \(source):\(issue.line):\(issue.column): \(issue.code.rawValue): \(issue.message)")
        }
        logger.warning("MASKER_DEV: \(source) is invalid (\(issues.errors.count) errors); falling back to the built-in healthcare-default policy")
        // The fallback still needs its key; in dev mode the key check generates one if it is missing.
        let defaultIssues = keyCheck?(.healthcareDefault, .start) ?? []
        if !defaultIssues.errors.isEmpty {
            throw PolicyInvalid(source: "built-in healthcare-default", issues: defaultIssues)
        }
        return LoadedPolicy(policy: .healthcareDefault, origin: .fallbackAfterErrors(source), warnings: issues.warnings)
    }
}
