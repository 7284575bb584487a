import Synchronization

/// One caller's events, handed to the audit log's thread by `AuditLog.submit`: the append starts
/// at once, and the caller waits for it only when it needs the events durable.
///
/// Why not a `Task` that awaits `append`: the task must first wait for a thread of the
/// cooperative pool, which under load is busy with the very turn that started it, so the append
/// reached the log's thread a hundred or more microseconds late; and its result came back through
/// two resumptions instead of one (docs/performance.md).
public final class AuditAppend: Sendable {
    private enum State {
        case running(waiters: [CheckedContinuation<AuditLogError?, Never>])
        case finished(AuditLogError?, elapsed: Duration)
    }

    private let state = Mutex(State.running(waiters: []))
    private let submitted = ContinuousClock.now

    init() {}

    /// Called once, by the log's thread, when the events are durable or have failed.
    func finish(_ error: AuditLogError?) {
        let elapsed = ContinuousClock.now - submitted
        let waiters = state.withLock { state -> [CheckedContinuation<AuditLogError?, Never>] in
            guard case let .running(waiters) = state else { return [] }
            state = .finished(error, elapsed: elapsed)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: error) }
    }

    /// Returns once the events are durable; throws when they could not be written, and then none
    /// of them count. May be called any number of times.
    public func wait() async throws(AuditLogError) {
        let failure = await withCheckedContinuation { (waiter: CheckedContinuation<AuditLogError?, Never>) in
            let outcome = state.withLock { state -> AuditLogError?? in
                switch state {
                case let .running(waiters):
                    state = .running(waiters: waiters + [waiter])
                    return nil
                case let .finished(error, _):
                    return .some(error)
                }
            }
            if let outcome { waiter.resume(returning: outcome) }
        }
        if let failure { throw failure }
    }

    /// From `submit` until the events were durable (or failed); nil while the append runs.
    public var elapsed: Duration? {
        state.withLock { state in
            if case let .finished(_, elapsed) = state { return elapsed }
            return nil
        }
    }
}
