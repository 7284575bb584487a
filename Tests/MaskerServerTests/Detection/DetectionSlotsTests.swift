import Synchronization
import Testing

@testable import MaskerServer

struct DetectionSlotsTests {
    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    struct Boom: Error {}

    /// One account's turns beyond its slots wait in order; another account's turn does not wait
    /// behind them.
    @Test func anAccountWaitsForItsOwnSlotsOnly() async throws {
        let slots = DetectionSlots(perAccount: 1)
        let order = Log()
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let holding = Task {
            await slots.run(account: "acct_a") {
                order.add("a1 start")
                for await _ in release { break } // holds its slot until told
                order.add("a1 end")
            }
        }
        while slots.load("acct_a").running == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let waiting = Task { await slots.run(account: "acct_a") { order.add("a2") } }
        while slots.load("acct_a").waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }

        // Another account runs at once, while account A's first turn holds A's only slot.
        await slots.run(account: "acct_b") { order.add("b") }
        #expect(order.all == ["a1 start", "b"])

        releaser.yield()
        await holding.value
        await waiting.value
        #expect(order.all == ["a1 start", "b", "a1 end", "a2"])
        #expect(slots.load("acct_a") == (0, 0) && slots.load("acct_b") == (0, 0))
    }

    /// A body that throws gives its slot back.
    @Test func aFailingTurnFreesItsSlot() async throws {
        let slots = DetectionSlots(perAccount: 1)
        await #expect(throws: Boom.self) { try await slots.run(account: "acct_a") { throw Boom() } }
        #expect(slots.load("acct_a") == (0, 0))
        let value = await slots.run(account: "acct_a") { 7 }
        #expect(value == 7)
    }
}
