import Synchronization

/// What one answer's tokens were restored to, so a token the answer delivers again (a Responses
/// stream repeats each text whole in its `.done` events and `response.completed`) is not looked
/// up in the vault and decrypted again. One memo per answer, dropped with it: it holds originals
/// only as long as the answer's own restorers do.
public final class RehydrationMemo: Sendable {
    private let outcomes = Mutex<[String: Result<String, RehydrationFailure>]>([:])

    public init() {}

    func outcome(for token: String) -> Result<String, RehydrationFailure>? {
        outcomes.withLock { $0[token] }
    }

    func remember(_ outcome: Result<String, RehydrationFailure>, for token: String) {
        // A failure for want of the vault may pass: only outcomes that cannot change are kept.
        if case .failure(.vaultUnavailable) = outcome { return }
        outcomes.withLock { $0[token] = outcome }
    }
}
