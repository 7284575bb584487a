import Foundation
import Synchronization

/// At most `perAccount` turns of one account run their detection passes at once; the account's
/// other turns wait for a slot, in order. Any account may give its agents a policy whose patterns
/// cost up to the detection deadline per turn (`DetectionDeadline`); without this, a few such
/// turns at once would take every core and every other account's turns would queue behind them.
/// With it, one account can occupy at most `perAccount` cores (all but one of the machine's), and
/// what it sends beyond that waits in its own queue.
///
/// Legitimate traffic does not notice: a turn's passes take a fraction of a millisecond, so one
/// slot alone serves thousands of turns a second. Written by hand because no listed package has
/// an async semaphore keyed by account.
final class DetectionSlots: Sendable {
    let perAccount: Int
    private let accounts = Mutex<[String: Queue]>([:])

    private struct Queue {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    init(perAccount: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)) {
        self.perAccount = max(1, perAccount)
    }

    /// Runs `body` once the account has a free slot.
    func run<T, Failure: Error>(account: String, _ body: () async throws(Failure) -> T) async throws(Failure) -> T {
        await acquire(account)
        defer { release(account) }
        return try await body()
    }

    private func acquire(_ account: String) async {
        let granted = accounts.withLock { accounts -> Bool in
            var queue = accounts[account, default: Queue()]
            guard queue.running < perAccount, queue.waiting.isEmpty else { return false }
            queue.running += 1
            accounts[account] = queue
            return true
        }
        if granted { return }
        await withCheckedContinuation { continuation in
            let granted = accounts.withLock { accounts -> Bool in
                var queue = accounts[account, default: Queue()]
                // A slot may have come free since the first look.
                if queue.running < perAccount, queue.waiting.isEmpty {
                    queue.running += 1
                    accounts[account] = queue
                    return true
                }
                queue.waiting.append(continuation)
                accounts[account] = queue
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the slot to the account's next waiting turn, or frees it.
    private func release(_ account: String) {
        let next = accounts.withLock { accounts -> CheckedContinuation<Void, Never>? in
            guard var queue = accounts[account] else { return nil }
            if !queue.waiting.isEmpty {
                let next = queue.waiting.removeFirst()
                accounts[account] = queue
                return next // the slot passes to it: `running` stays
            }
            queue.running -= 1
            accounts[account] = queue.running == 0 ? nil : queue
            return nil
        }
        next?.resume()
    }

    /// Turns of the account running and waiting (tests).
    func load(_ account: String) -> (running: Int, waiting: Int) {
        accounts.withLock { ($0[account]?.running ?? 0, $0[account]?.waiting.count ?? 0) }
    }
}
