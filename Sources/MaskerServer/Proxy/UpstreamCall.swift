import NIOCore
import Synchronization

/// Runs one upstream call under the two things that can cut it short: `MASKER_UPSTREAM_TIMEOUT_MS`
/// and a client that hangs up.
///
/// The call runs in one task that an event-loop timer or the connection's `DisconnectSignal`
/// cancels. Racing the call against a sleeping task and a disconnect-waiting task in task groups
/// (as this used to) cost each turn four extra tasks, two dispatch timers and a hop onto the
/// connection's event loop: about 0.15 ms of CPU and 0.7 ms of latency per turn under load
/// (docs/performance.md).
enum UpstreamCall {
    private enum Interruption { case timeout, disconnected }

    /// The value of `call`; or `UpstreamFailure.timeout` when `timeout` passes first;
    /// or `ClientDisconnected` when the client goes first. Cancelling the caller cancels the call.
    static func run<T: Sendable>(timeout: Duration, on eventLoop: any EventLoop, disconnect: DisconnectSignal?,
                                 _ call: @escaping @Sendable () async throws -> T) async throws -> T {
        let interruption = Mutex<Interruption?>(nil)
        let task = Task { try await call() }
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            interruption.withLock { $0 = $0 ?? .timeout }
            task.cancel()
        }
        let registration = disconnect?.onDisconnect {
            interruption.withLock { $0 = $0 ?? .disconnected }
            task.cancel()
        }
        defer {
            timer.cancel()
            if let registration { disconnect?.remove(registration) }
        }
        do {
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch {
            switch interruption.withLock({ $0 }) {
            case .timeout?: throw UpstreamFailure.timeout
            case .disconnected?: throw ClientDisconnected()
            case nil: throw error
            }
        }
    }
}
