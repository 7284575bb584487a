import Dispatch
import Foundation
import GRDB
import GRDBSQLite

/// Moves the vault's write-ahead log back into the database file on a thread of its own.
///
/// SQLite does this itself by default: the commit that takes the log past 1,000 pages runs the
/// checkpoint before it returns, copying the pages and syncing the database file. That was every
/// few hundredth turn, and it set the proxy's 99th percentile (7 ms at 100 turns/s, against
/// 3.5 ms without it; docs/performance.md). Here the writer's own checkpoints are turned off
/// (a WAL hook replaces them) and a passive checkpoint runs on a separate connection instead,
/// which never blocks a writer: commits go on appending to the log while it copies.
///
/// Hand-written on SQLite's C API: GRDB's `DatabasePool` has one writer connection, and a
/// checkpoint through it would hold up the commits just the same.
final class WALCheckpointer: @unchecked Sendable {
    /// The log size (pages) that starts a checkpoint: SQLite's own default.
    let thresholdPages: Int32
    private let path: String
    private let queue = DispatchQueue(label: "masker.vault.checkpoint", qos: .utility)
    // `running` is guarded by `lock`; `connection` is used on `queue` only.
    private let lock = NSLock()
    private var running = false
    private var connection: OpaquePointer?

    init(path: String, thresholdPages: Int32 = 1000) {
        self.path = path
        self.thresholdPages = thresholdPages
    }

    deinit {
        sqlite3_close(connection)
    }

    /// Installs the hook on a connection GRDB opens (`Configuration.prepareDatabase`). Only the
    /// writer commits, so only its hook ever fires. The checkpointer must outlive the connection.
    func install(on db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, writer, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().logGrew(to: pages, writer: writer)
            return SQLITE_OK
        }, context)
    }

    /// Called by SQLite on the committing thread, after each commit: starts work elsewhere.
    ///
    /// The log starts again from its beginning only when a commit finds it wholly copied, and
    /// under steady load each commit arrives while the background checkpoint still runs. So past
    /// `8 × thresholdPages` the writer checkpoints in line, as SQLite would have, which bounds the
    /// log; below it, commits never wait.
    private func logGrew(to pages: Int32, writer: OpaquePointer?) {
        guard pages >= thresholdPages else { return }
        if pages >= thresholdPages * 8 {
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        let start = lock.withLock { () -> Bool in
            if running { return false }
            running = true
            return true
        }
        if start { queue.async { self.checkpoint() } }
    }

    private func checkpoint() {
        defer { lock.withLock { running = false } }
        if connection == nil {
            guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
                // Nothing is lost: the log keeps every commit, and the next commit tries again.
                sqlite3_close(connection)
                connection = nil
                return
            }
            sqlite3_busy_timeout(connection, 5_000)
            // A connection opens the file only when first used; until then SQLite does not know
            // the database is in WAL mode, and a checkpoint does nothing.
            sqlite3_exec(connection, "SELECT 1 FROM sqlite_master LIMIT 1", nil, nil, nil)
        }
        // PASSIVE copies what no reader still needs and never waits for a writer; what it leaves
        // is copied next time. Once a checkpoint has copied everything, the next commit starts
        // the log from its beginning again.
        sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
