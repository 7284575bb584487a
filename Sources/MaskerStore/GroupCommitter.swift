import Dispatch
import Foundation
import MaskerCore

/// Group commit for the SQLite vault: turns that arrive while a commit is running are written
/// together in the next one, so N concurrent calls cost one transaction instead of N.
///
/// SQLite has one writer; without this, each turn waits for the writer in turn and pays its own
/// BEGIN/COMMIT and thread hops. The commits run on one dedicated thread (a serial queue), not on
/// Swift's cooperative pool, because a commit blocks on the file system. Hand-written: GRDB has
/// no batching across callers.
final class GroupCommitter: @unchecked Sendable {
    typealias Commit = ([VaultEntry]) throws -> Void
    /// Called on the commit thread with the commit's error, or nil once the entries are durable.
    typealias Completion = @Sendable ((any Error)?) -> Void

    // `pending` and `committing` are guarded by `lock`.
    private let lock = NSLock()
    private var pending: [(entries: [VaultEntry], done: Completion)] = []
    private var committing = false
    private let queue = DispatchQueue(label: "masker.vault.commit")
    private let commit: Commit

    init(_ commit: @escaping Commit) {
        self.commit = commit
    }

    /// Hands `entries` to the commit thread at once and returns; `done` runs once they are
    /// committed (with whatever else was waiting), or with the commit's error: every turn of a
    /// failed commit fails, none proceeds unmasked.
    func submit(_ entries: [VaultEntry], done: @escaping Completion) {
        let start = lock.withLock { () -> Bool in
            pending.append((entries, done))
            if committing { return false }
            committing = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    /// Commits everything waiting, again and again, until nothing is.
    private func drain() {
        while true {
            let batch = lock.withLock { () -> [(entries: [VaultEntry], done: Completion)] in
                let taken = pending
                pending = []
                if taken.isEmpty { committing = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                try commit(batch.flatMap(\.entries))
                for waiter in batch { waiter.done(nil) }
            } catch {
                for waiter in batch { waiter.done(error) }
            }
        }
    }
}
