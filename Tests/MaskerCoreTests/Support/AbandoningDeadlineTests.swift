import Dispatch
import MaskerCore
import Testing

struct AbandoningDeadlineTests {
    struct TimedOut: Error {}

    /// A body that ignores cancellation (a driver waiting on a socket) cannot hold the caller past
    /// the limit: the caller gets the timeout error, the body finishes on its own. (What is checked
    /// is that the caller did not wait for the body's 30 s; how soon it returned is a timing, and
    /// timings live in the fault tests, on a quiet machine.)
    @Test func theCallerGetsItsAnswerOnTimeWhateverTheBodyDoes() async throws {
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await withAbandoningDeadline(.milliseconds(100), timeoutError: { TimedOut() }) {
                // Deaf to cancellation: resumed by a timer thread after thirty seconds.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 30) { continuation.resume() }
                }
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(20))
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
            try await withAbandoningDeadline(.seconds(60), timeoutError: { TimedOut() }) {
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 30) { continuation.resume() }
                }
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(20)) // not the body's 30 s, nor the limit's 60
    }
}
