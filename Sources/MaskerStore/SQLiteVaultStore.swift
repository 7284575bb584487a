import Foundation
import GRDB
import MaskerCore

/// The default vault: one SQLite file (`MASKER_VAULT_PATH`, default `<data dir>/vault.sqlite`)
/// through GRDB's `DatabasePool`: WAL mode, so readers never wait for the writer.
public final class SQLiteVaultStore: VaultStore, @unchecked Sendable {
    // Every stored property is immutable and thread-safe itself (the pool, the reader's and the
    // committer's own locks).
    private let pool: DatabasePool
    private let reader: SQLiteTokenReader
    private let committer: GroupCommitter
    private let checkpointer: WALCheckpointer
    public let path: String
    private let operations = OperationHealth()
    public var health: OperationHealth? { operations }

    /// `busyTimeout`: how long a write waits for another writer (another process) before failing.
    /// `maximumPages`: a cap on the file's size in 4 KiB pages (SQLite's `max_page_count`); a write
    /// past it fails as a full disk would, so the tests can exercise that path.
    /// `checkpointPages`: the write-ahead log's size that starts a background checkpoint
    /// (`WALCheckpointer`).
    public init(path: String, busyTimeout: TimeInterval = StoreTimeouts.defaults.sqliteBusySeconds, maximumPages: Int? = nil, checkpointPages: Int32 = 1000) throws(VaultUnavailable) {
        self.path = path
        reader = SQLiteTokenReader(path: path)
        let checkpointer = WALCheckpointer(path: path, thresholdPages: checkpointPages)
        self.checkpointer = checkpointer
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout) // wait out another writer instead of failing at once
            configuration.prepareDatabase { db in
                checkpointer.install(on: db)
                if let maximumPages { try db.execute(sql: "PRAGMA max_page_count = \(maximumPages)") }
            }
            let pool = try PrivateSQLiteDatabase.open(path: path, configuration: configuration, migrator: Self.migrator)
            // GRDB puts a pool's writer in `synchronous=NORMAL` when it turns WAL mode on (after
            // `prepareDatabase` has run, so it cannot be set there). NORMAL syncs the log only at
            // checkpoints: a power cut could roll back commits whose tokens the model already has.
            // FULL syncs the log at every commit, which is what a turn waits for.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            self.pool = pool
            committer = GroupCommitter { entries in try Self.commit(entries, to: pool) }
        } catch {
            throw VaultUnavailable("cannot open SQLite vault \(path): \(Self.reason(error))")
        }
    }

    /// The vault path for a data directory, or `MASKER_VAULT_PATH`.
    public static func defaultPath(environment: [String: String], dataDirectory: DataDirectory) -> String {
        if let path = environment["MASKER_VAULT_PATH"], !path.isEmpty { return path }
        return dataDirectory.url.appendingPathComponent("vault.sqlite").path
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "vault_entry") { table in
                table.primaryKey("token", .text)
                table.column("kind", .text).notNull()
                table.column("kid", .text).notNull()
                table.column("scope", .text).notNull()
                table.column("ciphertext", .blob).notNull()
                table.column("subject_hash", .blob).notNull().indexed()
                table.column("created_at", .datetime).notNull().indexed()
            }
        }
        HealthProbeTable.register(in: &migrator, as: "v2-health-probe")
        return migrator
    }

    public var location: String { path }

    public func insert(_ entries: [VaultEntry]) async throws(VaultUnavailable) {
        try await submit(entries).wait()
    }

    /// Straight to the group committer's thread, with no task in between (`PendingWrite`).
    public func submit(_ entries: [VaultEntry]) -> PendingWrite<VaultUnavailable> {
        guard !entries.isEmpty else { return .finished() }
        let write = PendingWrite<VaultUnavailable>()
        committer.submit(entries) { [self] error in
            let failure = error.map { unavailable("write", $0) }
            if let failure { operations.failed(.write, reason: failure.reason) } else { operations.succeeded(.write) }
            write.finish(failure)
        }
        return write
    }

    /// One transaction for everything the group committer collected. ON CONFLICT keeps the first
    /// writer's row for a value written twice, here or by another process.
    private static func commit(_ entries: [VaultEntry], to pool: DatabasePool) throws {
        try pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO vault_entry (token, kind, kid, scope, ciphertext, subject_hash, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(token) DO NOTHING
                """)
            // A turn's entries share one creation time: formatted once per distinct time (GRDB's
            // own formatting went through a DateFormatter, about a fifth of an insert).
            var lastDate: Date?
            var lastValue = ""
            for entry in entries {
                if entry.createdAt != lastDate {
                    lastDate = entry.createdAt
                    lastValue = SQLiteDate.text(entry.createdAt)
                }
                try statement.execute(arguments: [entry.token, entry.kind.rawValue, entry.kid, entry.scope,
                                                  Data(entry.ciphertext), Data(entry.subjectHash), lastValue])
            }
        }
    }

    public func entries(forTokens tokens: [String]) async throws(VaultUnavailable) -> [String: VaultEntry] {
        guard !tokens.isEmpty else { return [:] }
        do {
            let found = try reader.entries(for: tokens)
            operations.succeeded(.read)
            return found
        } catch {
            let failure = VaultUnavailable("cannot read SQLite vault \(path): \(error.message)")
            operations.failed(.read, reason: failure.reason)
            throw failure
        }
    }

    /// Rewrites the one row of `health_probe` in a synced transaction: a real write, which fails
    /// as a turn's would (disk full, file locked) and leaves nothing behind.
    public func probeWrite() async throws(VaultUnavailable) {
        do {
            try await pool.write(HealthProbeTable.touch)
            operations.succeeded(.write)
        } catch {
            let failure = unavailable("write", error)
            operations.failed(.write, reason: failure.reason)
            throw failure
        }
    }

    /// The writer connection's `PRAGMA synchronous` (2 is FULL), for the test that holds it.
    func writerSynchronousMode() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Bytes on disk: the database file and its write-ahead log.
    public var fileBytes: Int {
        [path, path + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }.reduce(0, +)
    }

    public func stats() async throws(VaultUnavailable) -> VaultStats {
        let storedBytes = fileBytes
        do {
            return try await pool.read { db in
                let byKind = try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM vault_entry GROUP BY kind ORDER BY kind")
                    .map { VaultStats.KindCount(kind: $0["kind"], count: $0["n"]) }
                let range = try Row.fetchOne(db, sql: "SELECT MIN(created_at) AS oldest, MAX(created_at) AS newest FROM vault_entry")
                return VaultStats(entries: byKind.reduce(0) { $0 + $1.count }, byKind: byKind, oldest: range?["oldest"],
                                  newest: range?["newest"], storedBytes: storedBytes)
            }
        } catch {
            throw unavailable("read", error)
        }
    }

    public func count(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        let (condition, arguments) = Self.whereClause(selection)
        do {
            return try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM vault_entry WHERE \(condition)", arguments: arguments) ?? 0
            }
        } catch {
            throw unavailable("read", error)
        }
    }

    public func purge(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        let (condition, arguments) = Self.whereClause(selection)
        do {
            return try await pool.write { db in
                try db.execute(sql: "DELETE FROM vault_entry WHERE \(condition)", arguments: arguments)
                return db.changesCount
            }
        } catch {
            throw unavailable("write", error)
        }
    }

    public func rekey(from oldKid: String, _ transform: @escaping @Sendable (VaultEntry) -> VaultEntry?)
        async throws(VaultUnavailable) -> (rekeyed: Int, failed: Int) {
        do {
            return try await pool.write { db in
                let entries = try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM vault_entry WHERE kid = ?", arguments: [oldKid]).compactMap(Self.entry)
                let updated = entries.compactMap(transform)
                guard updated.count == entries.count else { return (0, entries.count - updated.count) }
                let statement = try db.cachedStatement(sql: "UPDATE vault_entry SET kid = ?, ciphertext = ?, subject_hash = ? WHERE token = ?")
                for entry in updated {
                    try statement.execute(arguments: [entry.kid, Data(entry.ciphertext), Data(entry.subjectHash), entry.token])
                }
                return (updated.count, 0)
            }
        } catch {
            throw unavailable("write", error)
        }
    }

    public func entries(after token: String, limit: Int) async throws(VaultUnavailable) -> [VaultEntry] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM vault_entry WHERE token > ? ORDER BY token LIMIT ?",
                                 arguments: [token, limit]).compactMap(Self.entry)
            }
        } catch {
            throw unavailable("read", error)
        }
    }


    /// The SQL condition of a selection and its arguments.
    static func whereClause(_ selection: VaultSelection) -> (String, StatementArguments) {
        switch selection {
        case .all: return ("1", [])
        case let .createdBefore(date): return ("created_at < ?", [date])
        case let .subjects(hashes) where hashes.isEmpty: return ("0", [])
        case let .subjects(hashes):
            return ("subject_hash IN (\(placeholders(hashes.count)))", StatementArguments(hashes.map { Data($0) }))
        case let .kid(kid): return ("kid = ?", [kid])
        }
    }

    private func unavailable(_ operation: String, _ error: Error) -> VaultUnavailable {
        VaultUnavailable("cannot \(operation) SQLite vault \(path): \(Self.reason(error))")
    }

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    /// The columns `entry(_:)` reads, in its order.
    static let columns = "token, kind, kid, scope, ciphertext, subject_hash, created_at"

    static func entry(_ row: Row) -> VaultEntry? {
        guard let kind = EntityKind(rawValue: row[1]) else { return nil }
        let ciphertext: Data = row[4]
        let subjectHash: Data = row[5]
        return VaultEntry(token: row[0], kind: kind, kid: row[2], scope: row[3], ciphertext: Array(ciphertext),
                          subjectHash: Array(subjectHash), createdAt: row[6])
    }

    /// SQLite's own message (locked, disk full, not a database): it never contains row values.
    static func reason(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return "\(error)"
    }
}
