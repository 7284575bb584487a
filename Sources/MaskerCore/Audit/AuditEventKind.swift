/// What an audit event records. The raw values are what the log and the reports show.
public enum AuditEventKind: String, Sendable, CaseIterable {
    /// A detected span that was masked: tokenized, redacted, or (action `passthrough`) kept.
    case redaction
    /// A token in a model's answer restored to the original.
    case rehydration
    /// A token that could not be restored (unknown, tampered, rotated out, purged) and was spoken as
    /// `[REDACTED:KIND]` instead.
    case rehydrationFailed = "rehydration_failed"
    /// The `gemma` pass's LLM back end (`MASKER_GEMMA_URL`) timed out or failed, and the turn went
    /// on with the embedded model; `detail` says why (`reason`: `timeout`, `unreachable`,
    /// `http_<status>`, `invalid_reply`), never what the turn said.
    case detectionFallback = "detection_fallback"
    case policyReloaded = "policy_reloaded"
    /// Vault entries deleted (`masker vault purge`): by date, or one subject's erasure.
    case vaultPurge = "vault_purge"
    /// Vault entries re-encrypted under a new kid (`masker vault rotate-key`).
    case vaultKeyRotated = "vault_key_rotated"
    /// Written by `masker audit purge` when retention drops the oldest records: it carries the hash
    /// of the dropped prefix so the records that remain still verify.
    case retentionCheckpoint = "retention_checkpoint"
}
