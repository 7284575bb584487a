@testable import MaskerServer
import NIOPosix
import Synchronization
import Testing

struct UpstreamCallTests {
    private let eventLoop = MultiThreadedEventLoopGroup.singleton.next()

    @Test func aCallThatFinishesInTimeReturnsItsValueAndLeavesNoHandlerBehind() async throws {
        let signal = DisconnectSignal()
        let value = try await UpstreamCall.run(timeout: .seconds(5), on: eventLoop, disconnect: signal) { _ in 42 }
        #expect(value == 42)
        #expect(signal.waiting == 0)
    }

    /// An upstream that never answers until it is cancelled, and notes in `cancelled` that it was.
    private static func waitUntilCancelled(_ cancellation: UpstreamCancellation, _ cancelled: Flag) async throws {
        let stopped = AsyncStream<Void>.makeStream()
        cancellation.onCancel {
            cancelled.raise()
            stopped.continuation.finish()
        }
        for await _ in stopped.stream {}
        throw CancellationError()
    }

    @Test func aCallThatOutlivesTheTimeoutIsCancelledAndReportsTheTimeout() async throws {
        let cancelled = Flag()
        await #expect(throws: UpstreamFailure.self) {
            _ = try await UpstreamCall.run(timeout: .milliseconds(50), on: eventLoop, disconnect: nil) { cancellation in
                try await Self.waitUntilCancelled(cancellation, cancelled)
            }
        }
        #expect(cancelled.isRaised)
    }

    @Test func aClientThatHangsUpMidCallCancelsIt() async throws {
        let signal = DisconnectSignal()
        let cancelled = Flag()
        await #expect(throws: ClientDisconnected.self) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await UpstreamCall.run(timeout: .seconds(600), on: eventLoop, disconnect: signal) { cancellation in
                        try await Self.waitUntilCancelled(cancellation, cancelled)
                    }
                }
                // Fire once the call is waiting on the signal, not before.
                while signal.waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }
                signal.fire()
                try await group.next()
            }
        }
        #expect(cancelled.isRaised)
        #expect(signal.waiting == 0)
    }

    @Test func aClientAlreadyGoneCancelsTheCallAtOnce() async throws {
        let signal = DisconnectSignal()
        signal.fire()
        await #expect(throws: ClientDisconnected.self) {
            _ = try await UpstreamCall.run(timeout: .seconds(30), on: eventLoop, disconnect: signal) { cancellation in
                try await Self.waitUntilCancelled(cancellation, Flag())
            }
        }
    }

    @Test func anErrorOfTheCallItselfPassesThrough() async throws {
        await #expect(throws: UpstreamFailure.self) {
            _ = try await UpstreamCall.run(timeout: .seconds(30), on: eventLoop, disconnect: DisconnectSignal()) { _ async throws -> Int in
                throw UpstreamFailure.unreachable("connection refused")
            }
        }
    }

    @Test func cancellingTheCallerCancelsTheCall() async throws {
        let cancelled = Flag()
        let caller = Task {
            try await UpstreamCall.run(timeout: .seconds(600), on: eventLoop, disconnect: nil) { cancellation in
                try await Self.waitUntilCancelled(cancellation, cancelled)
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(cancelled.isRaised)
    }

    @Test func aCancellationStopsWhatIsHandedToItOnceEvenWhenHandedOverLate() {
        let cancellation = UpstreamCancellation()
        let stops = Mutex(0)
        cancellation.onCancel { stops.withLock { $0 += 1 } }
        cancellation.cancel()
        cancellation.cancel()
        #expect(stops.withLock { $0 } == 1)
        #expect(cancellation.isCancelled)
        cancellation.onCancel { stops.withLock { $0 += 10 } }
        #expect(stops.withLock { $0 } == 11)
    }

    @Test func aSignalFiresEachHandlerOnceAndOnlyOnce() throws {
        let signal = DisconnectSignal()
        let calls = Mutex(0)
        let kept = signal.onDisconnect { calls.withLock { $0 += 1 } }
        let removed = signal.onDisconnect { calls.withLock { $0 += 100 } }
        #expect(kept != nil)
        signal.remove(try #require(removed))
        signal.fire()
        signal.fire()
        #expect(calls.withLock { $0 } == 1)
        #expect(signal.onDisconnect { calls.withLock { $0 += 10 } } == nil)
        #expect(calls.withLock { $0 } == 11)
    }
}

/// Set once, read from any thread.
final class Flag: Sendable {
    private let raised = Atomic(false)

    func raise() { raised.store(true, ordering: .relaxed) }

    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
