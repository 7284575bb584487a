import Foundation
import GRDB
import MaskerCore

/// The default vault: one SQLite file (`MASKER_VAULT_PATH`, default `<data dir>/vault.sqlite`)
/// through GRDB's `DatabasePool`: WAL mode, so readers never wait for the writer.
public final class SQLiteVaultStore: VaultStore, @unchecked Sendable {
    // DatabasePool is thread-safe; the class holds nothing else mutable.
    private let pool: DatabasePool
    public let path: String

    public init(path: String) throws(VaultUnavailable) {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            configuration.busyMode = .timeout(5) // wait out another writer instead of failing at once
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            // Owner-only, like the directory: the rows are encrypted, but their number and timing are not.
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
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
        return migrator
    }

    public func insertIfAbsent(_ entry: VaultEntry) throws(VaultUnavailable) -> VaultEntry {
        do {
            return try pool.write { db in
                // One statement, so concurrent writers of one token leave exactly one row.
                try db.execute(sql: """
                    INSERT INTO vault_entry (token, kind, kid, scope, ciphertext, subject_hash, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(token) DO NOTHING
                    """, arguments: [entry.token, entry.kind.rawValue, entry.kid, entry.scope, Data(entry.ciphertext),
                                     Data(entry.subjectHash), entry.createdAt])
                // Inserted: ours is the row. Otherwise another writer was first: read theirs.
                if db.changesCount == 1 { return entry }
                return try Self.fetch(db, entry.token) ?? entry
            }
        } catch {
            throw VaultUnavailable("cannot write SQLite vault \(path): \(Self.reason(error))")
        }
    }

    public func entry(forToken token: String) throws(VaultUnavailable) -> VaultEntry? {
        do {
            return try pool.read { db in try Self.fetch(db, token) }
        } catch {
            throw VaultUnavailable("cannot read SQLite vault \(path): \(Self.reason(error))")
        }
    }

    public func count() throws(VaultUnavailable) -> Int {
        do {
            return try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM vault_entry") ?? 0 }
        } catch {
            throw VaultUnavailable("cannot read SQLite vault \(path): \(Self.reason(error))")
        }
    }

    /// Counts by kind, oldest and newest entry, file size: nothing about any value.
    public struct Stats: Sendable {
        public var entries: Int
        public var byKind: [(kind: String, count: Int)]
        public var oldest: Date?
        public var newest: Date?
        public var fileBytes: Int
    }

    public func stats() throws(VaultUnavailable) -> Stats {
        do {
            return try pool.read { db in
                let byKind = try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM vault_entry GROUP BY kind ORDER BY kind")
                    .map { (kind: $0["kind"] as String, count: $0["n"] as Int) }
                let range = try Row.fetchOne(db, sql: "SELECT MIN(created_at) AS oldest, MAX(created_at) AS newest FROM vault_entry")
                let files = [path, path + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }
                return Stats(entries: byKind.reduce(0) { $0 + $1.count }, byKind: byKind, oldest: range?["oldest"],
                             newest: range?["newest"], fileBytes: files.reduce(0, +))
            }
        } catch {
            throw VaultUnavailable("cannot read SQLite vault \(path): \(Self.reason(error))")
        }
    }

    /// How many entries a purge would delete, for the confirmation prompt.
    public func count(createdBefore date: Date) throws(VaultUnavailable) -> Int {
        try readCount("SELECT COUNT(*) FROM vault_entry WHERE created_at < ?", [date])
    }

    public func count(subjectHashes: [[UInt8]]) throws(VaultUnavailable) -> Int {
        guard !subjectHashes.isEmpty else { return 0 }
        return try readCount("SELECT COUNT(*) FROM vault_entry WHERE subject_hash IN (\(Self.placeholders(subjectHashes.count)))",
                             StatementArguments(subjectHashes.map { Data($0) }))
    }

    /// Deletes entries created before `date`; their tokens then rehydrate as `[REDACTED:KIND]`.
    @discardableResult
    public func purge(createdBefore date: Date) throws(VaultUnavailable) -> Int {
        try delete("DELETE FROM vault_entry WHERE created_at < ?", [date])
    }

    /// Erasure of one person: deletes every entry whose subject hash matches, so none of their
    /// tokens can ever be restored again.
    @discardableResult
    public func purge(subjectHashes: [[UInt8]]) throws(VaultUnavailable) -> Int {
        guard !subjectHashes.isEmpty else { return 0 }
        return try delete("DELETE FROM vault_entry WHERE subject_hash IN (\(Self.placeholders(subjectHashes.count)))",
                          StatementArguments(subjectHashes.map { Data($0) }))
    }

    /// Re-keys every entry of `oldKid` in one transaction: all or nothing. `transform` returns the
    /// re-encrypted entry, or nil when an entry cannot be opened (the rotation then fails untouched).
    public func rekey(from oldKid: String, _ transform: (VaultEntry) -> VaultEntry?) throws(VaultUnavailable) -> (rekeyed: Int, failed: Int) {
        do {
            return try pool.write { db in
                let tokens = try String.fetchAll(db, sql: "SELECT token FROM vault_entry WHERE kid = ?", arguments: [oldKid])
                var updated: [VaultEntry] = []
                var failed = 0
                for token in tokens {
                    guard let entry = try Self.fetch(db, token), let rekeyed = transform(entry) else { failed += 1; continue }
                    updated.append(rekeyed)
                }
                guard failed == 0 else { return (0, failed) }
                for entry in updated {
                    try db.execute(sql: "UPDATE vault_entry SET kid = ?, ciphertext = ?, subject_hash = ? WHERE token = ?",
                                   arguments: [entry.kid, Data(entry.ciphertext), Data(entry.subjectHash), entry.token])
                }
                return (updated.count, 0)
            }
        } catch {
            throw VaultUnavailable("cannot write SQLite vault \(path): \(Self.reason(error))")
        }
    }

    /// Visits every entry in token order through a cursor: constant memory however large the vault.
    public func forEachEntry(_ body: (VaultEntry) throws -> Void) throws {
        try pool.read { db in
            let tokens = try String.fetchCursor(db, sql: "SELECT token FROM vault_entry ORDER BY token")
            while let token = try tokens.next() {
                if let entry = try Self.fetch(db, token) { try body(entry) }
            }
        }
    }

    public func count(kid: String) throws(VaultUnavailable) -> Int {
        try readCount("SELECT COUNT(*) FROM vault_entry WHERE kid = ?", [kid])
    }

    private func readCount(_ sql: String, _ arguments: StatementArguments) throws(VaultUnavailable) -> Int {
        do {
            return try pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
        } catch {
            throw VaultUnavailable("cannot read SQLite vault \(path): \(Self.reason(error))")
        }
    }

    private func delete(_ sql: String, _ arguments: StatementArguments) throws(VaultUnavailable) -> Int {
        do {
            return try pool.write { db in
                try db.execute(sql: sql, arguments: arguments)
                return db.changesCount
            }
        } catch {
            throw VaultUnavailable("cannot write SQLite vault \(path): \(Self.reason(error))")
        }
    }

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    static func fetch(_ db: Database, _ token: String) throws -> VaultEntry? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM vault_entry WHERE token = ?", arguments: [token]),
              let kind = EntityKind(rawValue: row["kind"]) else { return nil }
        let ciphertext: Data = row["ciphertext"]
        let subjectHash: Data = row["subject_hash"]
        return VaultEntry(token: row["token"], kind: kind, kid: row["kid"], scope: row["scope"], ciphertext: Array(ciphertext),
                          subjectHash: Array(subjectHash), createdAt: row["created_at"])
    }

    /// SQLite's own message (locked, disk full, not a database): it never contains row values.
    static func reason(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return "\(error)"
    }
}
