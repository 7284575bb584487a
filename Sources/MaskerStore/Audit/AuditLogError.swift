/// Failures of the audit log. Messages name the file, the line and the cause, never record
/// contents or key material; each says what to do.
public enum AuditLogError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingKey
    case invalidKey(reason: String)
    case cannotOpen(path: String, reason: String)
    case locked(path: String, holder: String)
    case unreadableTail(path: String, reason: String)
    case tailDoesNotVerify(path: String)
    case appendFailed(path: String, reason: String)
    /// An earlier append failed in a way that leaves the file's state unknown (fsync failed).
    case poisoned(path: String, reason: String)
    case brokenChain(path: String, line: Int, reason: String)
    case cannotRewrite(path: String, reason: String)
    /// A setting that chooses the store is wrong (`MASKER_AUDIT_STORE`); the text says which and how to fix it.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .missingKey:
            return "MASKER_AUDIT_HMAC_KEY is not set; the audit log needs it to chain its records. Set it to base64 of 32 random bytes (e.g. `openssl rand -base64 32`), or run with MASKER_DEV=1 to use a generated development key"
        case let .invalidKey(reason):
            return "MASKER_AUDIT_HMAC_KEY is unusable (\(reason)); set it to base64 of 32 random bytes (e.g. `openssl rand -base64 32`)"
        case let .cannotOpen(path, reason):
            return Self.isDatabase(path)
                ? "cannot open the audit chain in \(path): \(reason). Check MASKER_DATABASE_URL (or set MASKER_AUDIT_STORE=file); nothing was processed"
                : "cannot open the audit log \(path): \(reason). Set MASKER_AUDIT_LOG_PATH (or MASKER_DATA_DIR) to a writable location; nothing was processed"
        case let .locked(path, holder):
            return "the audit log \(path) is in use by another process (\(holder)); one writer per file. Wait for it to finish, stop it, or point this process at its own log with MASKER_AUDIT_LOG_PATH"
        case let .unreadableTail(path, reason):
            return "cannot read the end of the audit log \(path): \(reason); check it with `\(Self.verifyCommand(path))`"
        case let .tailDoesNotVerify(path):
            return "the last record of the audit log \(path) does not verify under this MASKER_AUDIT_HMAC_KEY: the key changed, or the record was altered. Nothing was appended; run `\(Self.verifyCommand(path))` and start with the key the log was written with"
        case let .appendFailed(path, reason):
            return "cannot append to the audit log \(path): \(reason); the operation was stopped and no unmasked text was released"
        case let .poisoned(path, reason):
            return "the audit log \(path) could not be made durable earlier (\(reason)); no further events are accepted by this process. Check the disk, run `\(Self.verifyCommand(path))`, and restart"
        case let .brokenChain(path, line, reason):
            return "the audit log \(path) does not verify at line \(line) (\(reason)); nothing was changed. Investigate with `\(Self.verifyCommand(path))` first"
        case let .cannotRewrite(path, reason):
            return "cannot rewrite the audit log \(path): \(reason); the original is unchanged"
        case let .invalidSetting(text):
            return text
        }
    }

    /// A chain in PostgreSQL is named by its redacted URL; a file by its path.
    static func isDatabase(_ location: String) -> Bool { location.hasPrefix("postgres") }

    /// The command that checks the chain at `location`: the configured store needs no argument.
    static func verifyCommand(_ location: String) -> String {
        isDatabase(location) ? "masker audit verify" : "masker audit verify \(location)"
    }
}
