import NIOCore
import Synchronization

/// Runs one upstream call under the two things that can cut it short: `MASKER_UPSTREAM_TIMEOUT_MS`
/// and a client that hangs up.
///
/// The call runs in the caller's task; an event-loop timer, the connection's `DisconnectSignal` or
/// the caller's own cancellation stop it through its `UpstreamCancellation`. Racing the call against
/// a sleeping task and a disconnect-waiting task in task groups (as this first did) cost each turn
/// four extra tasks, two dispatch timers and a hop onto the connection's event loop; running it in
/// a task of its own (as it next did) still cost a task and two hand-offs (docs/performance.md).
enum UpstreamCall {
    private enum Interruption { case timeout, disconnected }

    /// The value of `call`; or `UpstreamFailure.timeout` when `timeout` passes first;
    /// or `ClientDisconnected` when the client goes first. `call` must end soon after its
    /// cancellation is cancelled, with any error.
    static func run<T: Sendable>(timeout: Duration, on eventLoop: any EventLoop, disconnect: DisconnectSignal?,
                                 _ call: (UpstreamCancellation) async throws -> T) async throws -> T {
        let interruption = Mutex<Interruption?>(nil)
        let cancellation = UpstreamCancellation()
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            interruption.withLock { $0 = $0 ?? .timeout }
            cancellation.cancel()
        }
        let registration = disconnect?.onDisconnect {
            interruption.withLock { $0 = $0 ?? .disconnected }
            cancellation.cancel()
        }
        defer {
            timer.cancel()
            if let registration { disconnect?.remove(registration) }
        }
        do {
            return try await withTaskCancellationHandler { try await call(cancellation) } onCancel: { cancellation.cancel() }
        } catch {
            switch interruption.withLock({ $0 }) {
            case .timeout?: throw UpstreamFailure.timeout
            case .disconnected?: throw ClientDisconnected()
            case nil: throw error
            }
        }
    }
}
