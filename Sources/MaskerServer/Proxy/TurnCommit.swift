import MaskerCore
import MaskerStore
import Synchronization

/// The writes that make a proxied turn durable: its tokens' vault entries and its audit events
/// (with the masked payload when `audit.log_payloads` is on), both synced to disk, running at
/// the same time as each other and as the model's call.
///
/// The rule they keep is that nothing restored from a turn, and no PHI, is released before the
/// turn is on the record: the answer waits for `wait()`, and a turn that passes PHI through to the
/// model as it is waits before the call. What the model may receive first is tokens, which are not
/// PHI; if a write then fails, the answer is withheld (503) and the same values mint the same
/// tokens when the caller tries again. Waiting for both writes before the call, as the proxy did,
/// put two synced commits in series with the model on every turn (docs/performance.md).
struct TurnCommit: Sendable {
    struct Outcome: Sendable {
        /// How long the vault took to store the entries (part of the `tokenize` stage).
        var vaultTime: Duration
        /// The first write that failed, as the error to answer with.
        var failure: APIError?
    }

    /// Both handed straight to their storage threads (`PendingWrite`); the audit append is nil
    /// when the policy records nothing.
    private let vault: VaultOutcome
    private let audit: AuditOutcome?
    /// Called once both writes have succeeded (by each `wait()` that sees them so).
    private let onDurable: @Sendable () -> Void

    init(_ prepared: [PreparedMask], masker: Masker, events: [AuditEvent], payload: AuditLog.Payload?, policy: Policy,
         runtime: MaskingRuntime, metrics: ServerMetrics, requestID: String, onDurable: @escaping @Sendable () -> Void = {}) {
        self.onDurable = onDurable
        audit = runtime.submit(events, policy: policy, payload: payload).map { AuditOutcome($0, runtime: runtime, metrics: metrics) }
        vault = VaultOutcome(masker.submit(prepared), runtime: runtime, requestID: requestID)
    }

    /// Returns once both writes have finished, however they ended; safe to call more than once.
    /// `progress` says what had happened to the turn by then, for the failure's message.
    func wait(_ progress: TurnProgress) async -> Outcome {
        let stored = await vault.wait()
        let recorded = await audit?.wait() ?? .success(())
        var outcome = Outcome(vaultTime: (try? stored.get()) ?? .zero, failure: nil)
        if case let .failure(error) = stored {
            outcome.failure = progress.vaultFailed(error)
        } else if case let .failure(error) = recorded {
            outcome.failure = progress.auditFailed(error)
        } else {
            onDurable()
        }
        return outcome
    }
}

/// A turn's vault write, awaited: its failure logged once, however many times the turn waits.
private final class VaultOutcome: Sendable {
    private let write: PendingWrite<VaultUnavailable>
    private let runtime: MaskingRuntime
    private let requestID: String
    private let reported = Mutex(false)

    init(_ write: PendingWrite<VaultUnavailable>, runtime: MaskingRuntime, requestID: String) {
        self.write = write
        self.runtime = runtime
        self.requestID = requestID
    }

    /// How long the vault took, or the error to answer with.
    func wait() async -> Result<Duration, TokenMintError> {
        do throws(TokenMintError) {
            try await write.waitUntilStored()
            return .success(write.elapsed ?? .zero)
        } catch {
            if reported.withLock({ done in defer { done = true }; return !done }) {
                runtime.logger.error("vault write failed: \(error.description)", metadata: ["request_id": .string(requestID)])
            }
            return .failure(error)
        }
    }
}

/// A turn's audit append, awaited: its failure logged and mapped, and its time counted in the
/// `audit` stage, once, however many times the turn waits for it. The outcome itself is the
/// append's, which keeps it.
private final class AuditOutcome: Sendable {
    private let append: AuditAppend
    private let runtime: MaskingRuntime
    private let metrics: ServerMetrics
    private let reported = Mutex(false)

    init(_ append: AuditAppend, runtime: MaskingRuntime, metrics: ServerMetrics) {
        self.append = append
        self.runtime = runtime
        self.metrics = metrics
    }

    func wait() async -> Result<Void, AuditLogError> {
        do {
            try await append.wait()
            reportOnce(nil)
            return .success(())
        } catch {
            reportOnce(error)
            return .failure(error)
        }
    }

    private func reportOnce(_ failure: AuditLogError?) {
        guard reported.withLock({ done in defer { done = true }; return !done }) else { return }
        if let elapsed = append.elapsed { metrics.stage("audit", elapsed) }
        if let failure { runtime.logAuditFailure(failure) }
    }
}
