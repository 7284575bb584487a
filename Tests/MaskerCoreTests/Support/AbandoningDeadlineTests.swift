import MaskerCore
import Synchronization
import Testing

struct AbandoningDeadlineTests {
    struct TimedOut: Error {}

    /// Holds a body until the test opens it, deaf to cancellation, as a driver waiting on a silent
    /// socket is: whatever the caller gets before `open()`, it got without the body finishing.
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiting: CheckedContinuation<Void, Never>?)>((false, nil))

        func wait() async {
            await withCheckedContinuation { continuation in
                let isOpen = state.withLock { state -> Bool in
                    if !state.open { state.waiting = continuation }
                    return state.open
                }
                if isOpen { continuation.resume() }
            }
        }

        func open() {
            state.withLock { state in
                state.open = true
                return state.waiting.take()
            }?.resume()
        }
    }

    /// A body that ignores cancellation cannot hold the caller past the limit: the caller gets the
    /// timeout error while the body is still waiting, and the body finishes on its own afterwards.
    /// (How soon the caller returns is a timing; the fault tests time it on a quiet machine.)
    @Test func theCallerGetsItsAnswerWhateverTheBodyDoes() async throws {
        let gate = Gate()
        await #expect(throws: TimedOut.self) {
            try await withAbandoningDeadline(.milliseconds(100), timeoutError: { TimedOut() }) {
                await gate.wait()
                return 1
            }
        }
        gate.open()
    }

    @Test func aBodyThatFinishesInTimeGivesItsValueOrItsError() async throws {
        let value = try await withAbandoningDeadline(.seconds(5), timeoutError: { TimedOut() }) { 42 }
        #expect(value == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await withAbandoningDeadline(.seconds(5), timeoutError: { TimedOut() }) { () async throws -> Int in throw Boom() }
        }
    }

    /// The caller's own cancellation ends the wait, before the body or the limit would.
    @Test func cancellingTheCallerEndsTheWait() async throws {
        let gate = Gate()
        let task = Task {
            try await withAbandoningDeadline(.seconds(3600), timeoutError: { TimedOut() }) {
                await gate.wait()
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        gate.open()
    }
}
