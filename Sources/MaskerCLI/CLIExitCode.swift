/// The documented exit codes of `masker` (SPEC section 9). Scripts depend on these numbers.
public enum CLIExitCode: Int32, Sendable {
    case ok = 0
    /// Anything that went wrong and is not one of the cases below: unreadable file, bad config.
    case error = 1
    /// The command ran but its own condition failed (e.g. `--require-match` found nothing).
    case commandSpecific = 2
    case policyInvalid = 3
    case auth = 4
    case serverUnreachable = 5
    /// Bad flags or arguments (argument-parser uses 64, EX_USAGE, for its own usage errors too).
    case usage = 64
}

/// A failure the CLI reports with a message and a documented exit code. The message must name the
/// problem and the fix, and must never contain PHI or key material.
public struct CLIFailure: Error, Sendable, CustomStringConvertible {
    public var code: CLIExitCode
    public var message: String

    public init(_ code: CLIExitCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
