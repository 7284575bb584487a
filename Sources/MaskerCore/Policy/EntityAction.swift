/// What happens to a detected span.
public enum EntityAction: String, CaseIterable, Sendable, Codable {
    /// Replace with a token (or surrogate in synthetic mode) that can be restored.
    case tokenize
    /// Replace with `[REDACTED:KIND]`; nothing is stored.
    case redact
    /// Leave the text as it is; the detection is still recorded in the audit log.
    case passthrough
}
