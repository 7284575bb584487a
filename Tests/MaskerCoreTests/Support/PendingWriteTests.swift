import MaskerCore
import Testing

struct PendingWriteTests {
    struct Refused: Error, Equatable { var reason: String }

    /// Waiters that came before the finish and after it all see the same outcome.
    @Test func everyWaiterSeesTheOutcomeWhenEverItWaits() async {
        let write = PendingWrite<Refused>()
        #expect(write.elapsed == nil)
        let early = (0..<3).map { _ in Task { () -> Refused? in
            do throws(Refused) { try await write.wait() } catch { return error }
            return nil
        } }
        // Let at least some of them register before the write finishes.
        try? await Task.sleep(for: .milliseconds(10))
        write.finish(Refused(reason: "disk full"))
        for waiter in early { #expect(await waiter.value == Refused(reason: "disk full")) }
        await #expect(throws: Refused(reason: "disk full")) { try await write.wait() }
        #expect(write.elapsed != nil)
    }

    @Test func onlyTheFirstFinishCounts() async throws {
        let write = PendingWrite<Refused>()
        write.finish(nil)
        write.finish(Refused(reason: "late"))
        try await write.wait()
    }

    @Test func aWriteWithNothingToDoIsAlreadyDone() async throws {
        let done = PendingWrite<Refused>.finished()
        #expect(done.elapsed != nil)
        try await done.wait()
        await #expect(throws: Refused(reason: "no")) { try await PendingWrite<Refused>.finished(Refused(reason: "no")).wait() }
    }
}
