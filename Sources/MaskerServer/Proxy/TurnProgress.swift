import MaskerStore

/// How far a turn had gone when something failed. Every failure message says what already
/// happened (issue 38): whether the model saw the masked request, and whether any of its answer
/// reached the caller, so nobody reads "not processed" for a turn whose tokens were sent.
enum TurnProgress: Sendable {
    /// Nothing has left Masker (the text API: nothing was returned either).
    case notSent
    /// The masked request (tokens only) reached the model; nothing of its answer was released.
    case sentToModel
    /// Part of a streamed answer reached the caller; the rest was withheld.
    case partlyReleased

    var consequence: String {
        switch self {
        case .notSent: "nothing was sent to the model or returned"
        case .sentToModel: "the masked request (tokens only, no PHI) had already reached the model, and its answer was withheld"
        case .partlyReleased: "the answer up to this point was released, and the rest of it was withheld"
        }
    }

    /// 503 for a turn whose tokens could not be stored.
    func vaultFailed(_ error: any Error) -> APIError {
        APIError(.serviceUnavailable, "masking_failed",
                 "the turn's tokens could not be stored (\(StorageCause.of(error))), so \(consequence); see the server log")
    }

    /// 503 for a turn whose audit events could not be appended.
    func auditFailed(_ error: any Error) -> APIError {
        APIError(.serviceUnavailable, "audit_unavailable",
                 "the audit log could not record this turn (\(StorageCause.of(error))), so \(consequence); check the server log and disk")
    }

    /// 503 for a turn whose session could not be recorded in the server database.
    func sessionFailed(_ error: any Error) -> APIError {
        APIError(.serviceUnavailable, "db_unavailable",
                 "the turn's session could not be recorded in the server database (\(StorageCause.of(error))), so \(consequence); see the server log")
    }
}
