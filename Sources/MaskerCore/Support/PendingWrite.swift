import Synchronization

/// A durable write handed to a storage thread, to be waited for later: the audit log's group
/// commit (`AuditLog.submit`) and the SQLite vault's (`VaultStore.submit`) both return one, so a
/// proxied turn starts both writes, calls the model, and waits only before its answer goes out.
///
/// Why not a `Task` that awaits the write: the task must first wait for a thread of the
/// cooperative pool, which under load is busy with the very turn that started it, so the write
/// reached its thread a hundred or more microseconds late; and its result came back through two
/// resumptions instead of one (docs/performance.md).
public final class PendingWrite<Failure: Error & Sendable>: Sendable {
    private enum State {
        case running(waiters: [CheckedContinuation<Failure?, Never>])
        case finished(Failure?, elapsed: Duration)
    }

    private let state = Mutex(State.running(waiters: []))
    private let submitted = ContinuousClock.now

    package init() {}

    /// A write with nothing to do, already finished.
    package static func finished(_ failure: Failure? = nil) -> PendingWrite {
        let write = PendingWrite()
        write.finish(failure)
        return write
    }

    /// Called once, by the storage thread, when the write is durable or has failed; later calls
    /// change nothing.
    package func finish(_ failure: Failure?) {
        let elapsed = ContinuousClock.now - submitted
        let waiters = state.withLock { state -> [CheckedContinuation<Failure?, Never>] in
            guard case let .running(waiters) = state else { return [] }
            state = .finished(failure, elapsed: elapsed)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: failure) }
    }

    /// Returns once the write is durable; throws when it failed, and then none of it counts.
    /// May be called any number of times.
    public func wait() async throws(Failure) {
        let failure = await withCheckedContinuation { (waiter: CheckedContinuation<Failure?, Never>) in
            let outcome = state.withLock { state -> Failure?? in
                switch state {
                case let .running(waiters):
                    state = .running(waiters: waiters + [waiter])
                    return nil
                case let .finished(failure, _):
                    return .some(failure)
                }
            }
            if let outcome { waiter.resume(returning: outcome) }
        }
        if let failure { throw failure }
    }

    /// From submission until the write was durable (or failed); nil while it runs.
    public var elapsed: Duration? {
        state.withLock { state in
            if case let .finished(_, elapsed) = state { return elapsed }
            return nil
        }
    }
}
