import Dispatch
import MaskerCore
import Testing

struct AbandoningDeadlineTests {
    struct TimedOut: Error {}

    /// A body that ignores cancellation (a driver waiting on a socket) cannot hold the caller past
    /// the limit: the caller gets the timeout error on time, the body finishes on its own.
    @Test func theCallerGetsItsAnswerOnTimeWhateverTheBodyDoes() async throws {
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await withAbandoningDeadline(.milliseconds(100), timeoutError: { TimedOut() }) {
                // Deaf to cancellation: resumed by a timer thread after two seconds.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 2) { continuation.resume() }
                }
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func aBodyThatFinishesInTimeGivesItsValueOrItsError() async throws {
        let value = try await withAbandoningDeadline(.seconds(5), timeoutError: { TimedOut() }) { 42 }
        #expect(value == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await withAbandoningDeadline(.seconds(5), timeoutError: { TimedOut() }) { () async throws -> Int in throw Boom() }
        }
    }

    /// The caller's own cancellation ends the wait at once.
    @Test func cancellingTheCallerEndsTheWait() async throws {
        let started = ContinuousClock.now
        let task = Task {
            try await withAbandoningDeadline(.seconds(10), timeoutError: { TimedOut() }) {
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) { continuation.resume() }
                }
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
