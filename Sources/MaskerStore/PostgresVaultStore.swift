import Foundation
import Logging
import MaskerCore
import PostgresNIO

/// The vault in PostgreSQL (`MASKER_DATABASE_URL=postgres://…`), for several Masker replicas that
/// share one vault. Same table and semantics as `SQLiteVaultStore`; one `PostgresClient` pool.
///
/// Writes send a whole turn as arrays in one `INSERT … SELECT FROM unnest(…)` statement: one round
/// trip and one commit per turn, and rows sorted by token so two concurrent turns never deadlock.
public final class PostgresVaultStore: VaultStore, @unchecked Sendable {
    // Immutable after init; the pool is thread-safe.
    private let pool: PostgresPool
    private let table: String
    /// One row, rewritten by `probeWrite`.
    private let probeTable: String
    public let location: String

    /// The schema holding the table when one was named (`?schema=` or `schema:`), else nil (the
    /// connection's search path).
    public let schema: String?

    /// Connects, checks the server answers within `timeout`, and creates the table if needed.
    /// `schema` overrides the URL's `?schema=` (tests and benchmarks use a throwaway one). Throws
    /// `VaultUnavailable` naming host and cause, never the password.
    /// `timeouts` bound each operation and connection after start-up (`StoreTimeouts`).
    public init(url: String, schema: String? = nil, timeout: Duration = .seconds(10), timeouts: StoreTimeouts = .defaults,
                logger: Logger = Logger(label: "masker.vault")) async throws(VaultUnavailable) {
        let pool = try await PostgresPool.open(url: url, schema: schema, timeout: timeout, timeouts: timeouts, logger: logger, what: "vault")
        let settings = pool.settings
        self.schema = settings.schema
        location = settings.redacted
        table = settings.schema.map { "\"\($0)\".vault_entry" } ?? "vault_entry"
        probeTable = settings.schema.map { "\"\($0)\".vault_health_probe" } ?? "vault_health_probe"
        self.pool = pool
        do {
            try await migrate(schema: settings.schema)
        } catch {
            await pool.close()
            throw unavailable("open", error)
        }
    }

    public var health: OperationHealth? { pool.health }

    /// Drops the vault's own schema and everything in it: for throwaway vaults (tests, `masker
    /// bench`). Refuses when the table is not in a named schema, so it cannot drop a real vault
    /// living in `public`.
    public func dropSchema() async throws(VaultUnavailable) {
        guard let schema else { throw VaultUnavailable("refusing to drop a vault that is not in its own schema") }
        do {
            try await pool.run(.write, bounded: false) { client in try await client.query("DROP SCHEMA IF EXISTS \"\(unescaped: schema)\" CASCADE", logger: Self.silent) }
        } catch {
            throw unavailable("drop", error)
        }
    }

    public func close() async {
        await pool.close()
    }

    private func migrate(schema: String?) async throws {
        let table = self.table, probeTable = self.probeTable
        try await pool.run(.write, bounded: false) { client in try await client.withTransaction(logger: Self.silent) { connection in
            // Serialises replicas starting together: CREATE … IF NOT EXISTS alone can still race.
            try await connection.query("SELECT pg_advisory_xact_lock(7236398452)", logger: Self.silent)
            if let schema {
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \"\(unescaped: schema)\"", logger: Self.silent)
            }
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS \(unescaped: table) (
                    token text PRIMARY KEY, kind text NOT NULL, kid text NOT NULL, scope text NOT NULL,
                    ciphertext bytea NOT NULL, subject_hash bytea NOT NULL, created_at timestamptz NOT NULL)
                """, logger: Self.silent)
            try await connection.query(HealthProbeTable.create(probeTable), logger: Self.silent)
            for column in ["subject_hash", "created_at", "kid"] {
                try await connection.query("CREATE INDEX IF NOT EXISTS vault_entry_\(unescaped: column) ON \(unescaped: table) (\(unescaped: column))",
                                           logger: Self.silent)
            }
        } }
    }

    public func insert(_ entries: [VaultEntry]) async throws(VaultUnavailable) {
        guard !entries.isEmpty else { return }
        let sorted = entries.sorted { $0.token < $1.token }
        let tokens = sorted.map(\.token), kinds = sorted.map(\.kind.rawValue), kids = sorted.map(\.kid), scopes = sorted.map(\.scope)
        let ciphertexts = sorted.map { ByteBuffer(bytes: $0.ciphertext) }, hashes = sorted.map { ByteBuffer(bytes: $0.subjectHash) }
        let times = sorted.map { $0.createdAt.timeIntervalSince1970 }
        let table = self.table
        try await run(.write) { client in
            try await client.query("""
                INSERT INTO \(unescaped: table) (token, kind, kid, scope, ciphertext, subject_hash, created_at)
                SELECT t, k, i, s, c, h, to_timestamp(d)
                FROM unnest(\(tokens)::text[], \(kinds)::text[], \(kids)::text[], \(scopes)::text[],
                            \(ciphertexts)::bytea[], \(hashes)::bytea[], \(times)::float8[]) AS u(t, k, i, s, c, h, d)
                ON CONFLICT (token) DO NOTHING
                """, logger: Self.silent)
        }
    }

    public func entries(forTokens tokens: [String]) async throws(VaultUnavailable) -> [String: VaultEntry] {
        guard !tokens.isEmpty else { return [:] }
        let table = self.table
        return try await run(.read) { client in
            let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM \(unescaped: table) WHERE token = ANY(\(tokens)::text[])",
                                              logger: Self.silent)
            var found: [String: VaultEntry] = [:]
            for try await entry in Self.entries(rows) { found[entry.token] = entry }
            return found
        }
    }

    /// A real write that leaves nothing behind: one row of `health_probe` rewritten (`/health`,
    /// after a failed write, asks whether writes work again).
    public func probeWrite() async throws(VaultUnavailable) {
        let probe = probeTable
        try await run(.write) { client in try await client.query(HealthProbeTable.touch(probe), logger: Self.silent) }
    }

    public func stats() async throws(VaultUnavailable) -> VaultStats {
        let table = self.table
        return try await run(.read) { client in
            var byKind: [VaultStats.KindCount] = []
            for try await (kind, count) in try await client.query(
                "SELECT kind, COUNT(*) FROM \(unescaped: table) GROUP BY kind ORDER BY kind", logger: Self.silent).decode((String, Int).self) {
                byKind.append(.init(kind: kind, count: count))
            }
            var oldest: Date?, newest: Date?, bytes = 0
            for try await (first, last, size) in try await client.query("""
                SELECT MIN(created_at), MAX(created_at), pg_total_relation_size('\(unescaped: table)') FROM \(unescaped: table)
                """, logger: Self.silent).decode((Date?, Date?, Int).self) {
                (oldest, newest, bytes) = (first, last, size)
            }
            return VaultStats(entries: byKind.reduce(0) { $0 + $1.count }, byKind: byKind, oldest: oldest, newest: newest, storedBytes: bytes)
        }
    }

    public func count(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        let query = selecting(selection, "SELECT COUNT(*) FROM \(table) WHERE ", "")
        return try await run(.read, bounded: false) { client in
            var count = 0
            for try await value in try await client.query(query, logger: Self.silent).decode(Int.self) { count = value }
            return count
        }
    }

    public func purge(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        // RETURNING counts what was deleted without a second query racing other writers.
        let query = selecting(selection, "WITH gone AS (DELETE FROM \(table) WHERE ", " RETURNING 1) SELECT COUNT(*) FROM gone")
        return try await run(.write, bounded: false) { client in
            var count = 0
            for try await value in try await client.query(query, logger: Self.silent).decode(Int.self) { count = value }
            return count
        }
    }

    public func rekey(from oldKid: String, _ transform: @escaping @Sendable (VaultEntry) -> VaultEntry?)
        async throws(VaultUnavailable) -> (rekeyed: Int, failed: Int) {
        let table = self.table
        return try await run(.write, bounded: false) { client in
            try await client.withTransaction(logger: Self.silent) { connection in
                var entries: [VaultEntry] = []
                let rows = try await connection.query(
                    "SELECT \(unescaped: Self.columns) FROM \(unescaped: table) WHERE kid = \(oldKid) FOR UPDATE", logger: Self.silent)
                for try await entry in Self.entries(rows) { entries.append(entry) }
                let updated = entries.compactMap(transform)
                guard updated.count == entries.count else { return (0, entries.count - updated.count) }
                guard !updated.isEmpty else { return (0, 0) }
                try await connection.query("""
                    UPDATE \(unescaped: table) AS v SET kid = u.i, ciphertext = u.c, subject_hash = u.h
                    FROM unnest(\(updated.map(\.token))::text[], \(updated.map(\.kid))::text[],
                                \(updated.map { ByteBuffer(bytes: $0.ciphertext) })::bytea[],
                                \(updated.map { ByteBuffer(bytes: $0.subjectHash) })::bytea[]) AS u(t, i, c, h)
                    WHERE v.token = u.t
                    """, logger: Self.silent)
                return (updated.count, 0)
            }
        }
    }

    public func entries(after token: String, limit: Int) async throws(VaultUnavailable) -> [VaultEntry] {
        let table = self.table
        return try await run(.read, bounded: false) { client in
            var page: [VaultEntry] = []
            let rows = try await client.query(
                "SELECT \(unescaped: Self.columns) FROM \(unescaped: table) WHERE token > \(token) ORDER BY token LIMIT \(limit)",
                logger: Self.silent)
            for try await entry in Self.entries(rows) { page.append(entry) }
            return page
        }
    }

    /// One operation through the pool (deadline, outage, health), its failure as `VaultUnavailable`.
    @discardableResult
    private func run<T: Sendable>(_ operation: OperationHealth.Operation, bounded: Bool = true,
                                  _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws(VaultUnavailable) -> T {
        do {
            return try await pool.run(operation, bounded: bounded, body)
        } catch {
            throw unavailable(operation == .read ? "read" : "write", error)
        }
    }

    static let columns = "token, kind, kid, scope, ciphertext, subject_hash, created_at"

    /// `before`, the selection's condition with its values bound (never spliced in as text), `after`.
    /// PostgresQuery cannot be concatenated, hence one whole query per case.
    private func selecting(_ selection: VaultSelection, _ before: String, _ after: String) -> PostgresQuery {
        switch selection {
        case .all: return "\(unescaped: before)TRUE\(unescaped: after)"
        case let .createdBefore(date): return "\(unescaped: before)created_at < \(date)\(unescaped: after)"
        case let .subjects(hashes):
            return "\(unescaped: before)subject_hash = ANY(\(hashes.map { ByteBuffer(bytes: $0) })::bytea[])\(unescaped: after)"
        case let .kid(kid): return "\(unescaped: before)kid = \(kid)\(unescaped: after)"
        }
    }

    /// Rows as entries; a row of an unknown kind (written by a newer version) is skipped.
    static func entries(_ rows: PostgresRowSequence) -> some AsyncSequence<VaultEntry, any Error> {
        rows.decode((String, String, String, String, ByteBuffer, ByteBuffer, Date).self).compactMap { row in
            guard let kind = EntityKind(rawValue: row.1) else { return nil }
            return VaultEntry(token: row.0, kind: kind, kid: row.2, scope: row.3, ciphertext: Array(buffer: row.4),
                              subjectHash: Array(buffer: row.5), createdAt: row.6)
        }
    }

    private func unavailable(_ operation: String, _ error: Error) -> VaultUnavailable {
        VaultUnavailable("cannot \(operation) PostgreSQL vault \(location): \(Self.reason(error))")
    }

    /// Query logs would carry bound values (ciphertext, subject hashes): never log queries.
    static let silent = PostgresPool.silent
    static func reason(_ error: Error) -> String { PostgresPool.reason(error) }
}
