import Synchronization

/// How the proxy stops an upstream call in flight: its timeout, or a client that hung up
/// (`UpstreamCall`). Each upstream hands over what stops its own work (async-http-client's task,
/// say), so the call can run in the turn's own task: running it in a task of its own, only so that
/// it could be cancelled, cost every turn a task and two thread hand-offs (docs/performance.md).
final class UpstreamCancellation: Sendable {
    private enum State {
        case running(stop: (@Sendable () -> Void)?)
        case cancelled
    }

    private let state = Mutex(State.running(stop: nil))

    /// `stop` runs once, when the call is cancelled: at once if it already was. A later call
    /// replaces an earlier `stop` that has not run.
    func onCancel(_ stop: @escaping @Sendable () -> Void) {
        let cancelled = state.withLock { state -> Bool in
            guard case .running = state else { return true }
            state = .running(stop: stop)
            return false
        }
        if cancelled { stop() }
    }

    func cancel() {
        let stop = state.withLock { state -> (@Sendable () -> Void)? in
            guard case let .running(stop) = state else { return nil }
            state = .cancelled
            return stop
        }
        stop?()
    }

    var isCancelled: Bool {
        state.withLock { state in
            if case .cancelled = state { return true }
            return false
        }
    }
}
