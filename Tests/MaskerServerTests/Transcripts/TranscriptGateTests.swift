import Synchronization
import Testing

@testable import MaskerServer

struct TranscriptGateTests {
    final class Order: Sendable {
        let ran = Mutex<[Int]>([])
        func add(_ index: Int) -> Int { ran.withLock { $0.append(index) }; return index }
    }

    /// One running, four waiting: the sixth is refused at once, and the waiting ones run in turn.
    @Test func beyondItsQueueTheGateRefusesInsteadOfHolding() async throws {
        let gate = TranscriptGate(running: 1)
        let (release, opener) = AsyncStream<Void>.makeStream()
        let order = Order()
        let first = Task { () async throws -> Int? in
            try await gate.run { () async -> Int in
                for await _ in release { break }
                return order.add(0)
            }
        }
        while gate.load.running < 1 { await Task.yield() }
        var waiting: [Task<Int?, any Error>] = []
        for index in 1...4 {
            waiting.append(Task { () async throws -> Int? in try await gate.run { () async -> Int in order.add(index) } })
            while gate.load.waiting < index { await Task.yield() }
        }
        #expect(try await gate.run { 99 } == nil)
        #expect(gate.load == (running: 1, waiting: 4))
        opener.yield()
        #expect(try await first.value == 0)
        for (index, task) in waiting.enumerated() { #expect(try await task.value == index + 1) }
        #expect(order.ran.withLock { $0 } == [0, 1, 2, 3, 4])
        #expect(gate.load == (running: 0, waiting: 0))
    }
}
