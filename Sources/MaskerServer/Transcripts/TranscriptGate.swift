import Synchronization

/// At most `running` recordings are transcribed at once (`MASKER_TRANSCRIPT_CONCURRENCY`); up to
/// four per slot wait their turn, in order; beyond that a request is refused at once (503 with
/// `Retry-After`) rather than held with its upload in memory. Recognition is minutes of CPU for an
/// hour of audio: without this, a burst of uploads would take every core from the proxy's turns.
///
/// Written by hand: `DetectionSlots` queues without bound (a turn's passes take microseconds), and
/// no listed package has an async semaphore that refuses when its queue is full.
final class TranscriptGate: Sendable {
    let running: Int
    let waiting: Int
    private let state = Mutex<(running: Int, queue: [CheckedContinuation<Void, Never>])>((0, []))

    init(running: Int) {
        self.running = max(1, running)
        waiting = self.running * 4
    }

    private enum Entry { case now, wait, full }

    /// Runs `body` once a slot is free; nil, without running it, when the queue is full.
    func run<T>(_ body: () async throws -> T) async throws -> T? {
        let entry = state.withLock { state -> Entry in
            if state.running < running, state.queue.isEmpty { state.running += 1; return .now }
            return state.queue.count < waiting ? .wait : .full
        }
        switch entry {
        case .full: return nil
        case .now: break
        case .wait:
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.running < running, state.queue.isEmpty { state.running += 1; return true }
                    state.queue.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }
        defer { release() }
        return try await body()
    }

    /// Hands the slot to the next in the queue, or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if !state.queue.isEmpty { return state.queue.removeFirst() }
            state.running -= 1
            return nil
        }
        next?.resume()
    }

    /// Running and waiting (tests).
    var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.queue.count) } }
}
