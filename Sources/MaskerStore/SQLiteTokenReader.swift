import Foundation
import GRDB
import GRDBSQLite
import MaskerCore

/// Token lookups for rehydration, on SQLite's C API rather than through GRDB.
///
/// Written by hand because rehydration looks tokens up on every answer and has a budget of 20 µs
/// per token: GRDB's `DatabasePool.read` costs ~15 µs per access on this machine (a dispatch-queue
/// hop and reader-pool bookkeeping around a lookup that takes ~2 µs; `masker bench`). Everything
/// else about the vault (schema, writes, administration) stays on GRDB.
///
/// Keeps a few connections, each with its statement prepared once; a lookup borrows one under a
/// lock, so concurrent answers do not wait on each other for long. WAL mode lets these readers
/// run while the writer commits.
final class SQLiteTokenReader: @unchecked Sendable {
    // `idle` is guarded by `lock`; a borrowed connection is used by one thread at a time.
    private let lock = NSLock()
    private var idle: [Connection] = []
    private let path: String
    private let maximumIdle = 8

    init(path: String) {
        self.path = path
    }

    struct Failure: Error {
        var message: String
    }

    func entries(for tokens: [String]) throws(Failure) -> [String: VaultEntry] {
        let connection = try borrow()
        defer { giveBack(connection) }
        var found: [String: VaultEntry] = [:]
        for token in Set(tokens) {
            if let entry = try connection.entry(token) { found[token] = entry }
        }
        return found
    }

    private func borrow() throws(Failure) -> Connection {
        if let connection = lock.withLock({ idle.popLast() }) { return connection }
        return try Connection(path: path)
    }

    private func giveBack(_ connection: Connection) {
        lock.withLock {
            if idle.count < maximumIdle { idle.append(connection) }
        }
    }

    final class Connection {
        private var database: OpaquePointer?
        private var statement: OpaquePointer?

        init(path: String) throws(Failure) {
            // NOMUTEX: the reader's lock already gives each connection to one thread at a time.
            guard sqlite3_open_v2(path, &database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
                let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
                sqlite3_close(database)
                throw Failure(message: message)
            }
            sqlite3_busy_timeout(database, 5_000)
            // The store's column list, in the order `entry(_:)` below reads them.
            let sql = "SELECT \(SQLiteVaultStore.columns) FROM vault_entry WHERE token = ?"
            guard sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK else {
                let message = String(cString: sqlite3_errmsg(database))
                sqlite3_close(database)
                throw Failure(message: message)
            }
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close(database)
        }

        func entry(_ token: String) throws(Failure) -> VaultEntry? {
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self) // SQLITE_TRANSIENT: SQLite copies
            guard sqlite3_bind_text(statement, 1, token, -1, transient) == SQLITE_OK else { throw failure() }
            switch sqlite3_step(statement) {
            case SQLITE_ROW: break
            case SQLITE_DONE: return nil
            default: throw failure()
            }
            guard let kind = EntityKind(rawValue: text(1)),
                  let createdAt = Date.fromDatabaseValue(text(6).databaseValue) else { return nil }
            return VaultEntry(token: text(0), kind: kind, kid: text(2), scope: text(3), ciphertext: blob(4),
                              subjectHash: blob(5), createdAt: createdAt)
        }

        private func text(_ column: Int32) -> String {
            guard let pointer = sqlite3_column_text(statement, column) else { return "" }
            return String(cString: pointer)
        }

        private func blob(_ column: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }

        private func failure() -> Failure {
            Failure(message: String(cString: sqlite3_errmsg(database)))
        }
    }
}
