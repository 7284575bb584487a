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
    // Immutable after init; PostgresClient is thread-safe.
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let table: String
    public let location: String

    /// The schema holding the table when one was named (`?schema=` or `schema:`), else nil (the
    /// connection's search path).
    public let schema: String?

    /// Connects, checks the server answers within `timeout`, and creates the table if needed.
    /// `schema` overrides the URL's `?schema=` (tests and benchmarks use a throwaway one). Throws
    /// `VaultUnavailable` naming host and cause, never the password.
    public init(url: String, schema: String? = nil, timeout: Duration = .seconds(10),
                logger: Logger = Logger(label: "masker.vault")) async throws(VaultUnavailable) {
        var settings = try PostgresURL(url)
        if let schema {
            guard PostgresURL.isValidSchema(schema) else { throw VaultUnavailable("schema names are lowercase letters, digits and _") }
            settings.schema = schema
        }
        self.schema = settings.schema
        location = settings.redacted
        table = settings.schema.map { "\"\($0)\".vault_entry" } ?? "vault_entry"
        var configuration: PostgresClient.Configuration
        if let socket = settings.socketPath {
            configuration = .init(unixSocketPath: socket, username: settings.user, password: settings.password, database: settings.database)
        } else {
            configuration = .init(host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                                  database: settings.database, tls: settings.tls)
        }
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 32
        // The pool retries a failing connection forever and logs each attempt: one direct
        // connection first turns "refused" or "password authentication failed" into this error.
        do {
            let probe = try settings.connectionConfiguration(timeout: timeout)
            try await Self.withTimeout(timeout) {
                let connection = try await PostgresConnection.connect(on: PostgresClient.defaultEventLoopGroup.any(), configuration: probe,
                                                                      id: 0, logger: Self.silent).get()
                try await connection.close()
            }
        } catch {
            throw VaultUnavailable("cannot open PostgreSQL vault \(settings.redacted): \(Self.reason(error))")
        }
        // Connection retries are news only when asked for (-v); they never carry values.
        var background = logger
        if background.logLevel > .debug { background.logLevel = .critical }
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        runTask = Task { await client.run() }
        do {
            try await migrate(schema: settings.schema)
        } catch {
            runTask.cancel()
            throw unavailable("open", error)
        }
    }

    deinit { runTask.cancel() }

    /// Drops the vault's own schema and everything in it: for throwaway vaults (tests, `masker
    /// bench`). Refuses when the table is not in a named schema, so it cannot drop a real vault
    /// living in `public`.
    public func dropSchema() async throws(VaultUnavailable) {
        guard let schema else { throw VaultUnavailable("refusing to drop a vault that is not in its own schema") }
        do {
            try await client.query("DROP SCHEMA IF EXISTS \"\(unescaped: schema)\" CASCADE", logger: Self.silent)
        } catch {
            throw unavailable("drop", error)
        }
    }

    public func close() async {
        runTask.cancel()
        _ = await runTask.value
    }

    private func migrate(schema: String?) async throws {
        try await client.withTransaction(logger: Self.silent) { connection in
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
            for column in ["subject_hash", "created_at", "kid"] {
                try await connection.query("CREATE INDEX IF NOT EXISTS vault_entry_\(unescaped: column) ON \(unescaped: table) (\(unescaped: column))",
                                           logger: Self.silent)
            }
        }
    }

    public func insert(_ entries: [VaultEntry]) async throws(VaultUnavailable) {
        guard !entries.isEmpty else { return }
        let sorted = entries.sorted { $0.token < $1.token }
        let tokens = sorted.map(\.token), kinds = sorted.map(\.kind.rawValue), kids = sorted.map(\.kid), scopes = sorted.map(\.scope)
        let ciphertexts = sorted.map { ByteBuffer(bytes: $0.ciphertext) }, hashes = sorted.map { ByteBuffer(bytes: $0.subjectHash) }
        let times = sorted.map { $0.createdAt.timeIntervalSince1970 }
        do {
            try await client.query("""
                INSERT INTO \(unescaped: table) (token, kind, kid, scope, ciphertext, subject_hash, created_at)
                SELECT t, k, i, s, c, h, to_timestamp(d)
                FROM unnest(\(tokens)::text[], \(kinds)::text[], \(kids)::text[], \(scopes)::text[],
                            \(ciphertexts)::bytea[], \(hashes)::bytea[], \(times)::float8[]) AS u(t, k, i, s, c, h, d)
                ON CONFLICT (token) DO NOTHING
                """, logger: Self.silent)
        } catch {
            throw unavailable("write", error)
        }
    }

    public func entries(forTokens tokens: [String]) async throws(VaultUnavailable) -> [String: VaultEntry] {
        guard !tokens.isEmpty else { return [:] }
        do {
            let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM \(unescaped: table) WHERE token = ANY(\(tokens)::text[])",
                                              logger: Self.silent)
            var found: [String: VaultEntry] = [:]
            for try await entry in Self.entries(rows) { found[entry.token] = entry }
            return found
        } catch {
            throw unavailable("read", error)
        }
    }

    public func stats() async throws(VaultUnavailable) -> VaultStats {
        do {
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
        } catch {
            throw unavailable("read", error)
        }
    }

    public func count(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        do {
            var count = 0
            for try await value in try await client.query(selecting(selection, "SELECT COUNT(*) FROM \(table) WHERE ", ""),
                                                          logger: Self.silent).decode(Int.self) {
                count = value
            }
            return count
        } catch {
            throw unavailable("read", error)
        }
    }

    public func purge(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        do {
            var count = 0
            // RETURNING counts what was deleted without a second query racing other writers.
            for try await value in try await client.query(
                selecting(selection, "WITH gone AS (DELETE FROM \(table) WHERE ", " RETURNING 1) SELECT COUNT(*) FROM gone"),
                logger: Self.silent).decode(Int.self) {
                count = value
            }
            return count
        } catch {
            throw unavailable("write", error)
        }
    }

    public func rekey(from oldKid: String, _ transform: @escaping @Sendable (VaultEntry) -> VaultEntry?)
        async throws(VaultUnavailable) -> (rekeyed: Int, failed: Int) {
        do {
            let table = self.table
            return try await client.withTransaction(logger: Self.silent) { connection in
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
        } catch {
            throw unavailable("write", error)
        }
    }

    public func entries(after token: String, limit: Int) async throws(VaultUnavailable) -> [VaultEntry] {
        do {
            var page: [VaultEntry] = []
            let rows = try await client.query(
                "SELECT \(unescaped: Self.columns) FROM \(unescaped: table) WHERE token > \(token) ORDER BY token LIMIT \(limit)",
                logger: Self.silent)
            for try await entry in Self.entries(rows) { page.append(entry) }
            return page
        } catch {
            throw unavailable("read", error)
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

    /// Query logs would carry bound values (ciphertext, subject hashes): never log queries.
    static let silent = Logger(label: "masker.vault.silent", factory: { _ in SwiftLogNoOpLogHandler() })

    private func unavailable(_ operation: String, _ error: Error) -> VaultUnavailable {
        VaultUnavailable("cannot \(operation) PostgreSQL vault \(location): \(Self.reason(error))")
    }

    /// The server's message and SQLSTATE, or the connection failure. Never `String(reflecting:)`:
    /// that includes the query and its bound values.
    static func reason(_ error: Error) -> String {
        if let error = error as? VaultTimeout { return "no answer within \(error.seconds) s (is the server up and reachable?)" }
        guard let error = error as? PSQLError else { return "\(type(of: error))" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    struct VaultTimeout: Error {
        var seconds: Int64
    }

    /// Runs `body`, failing with `VaultTimeout` after `timeout`: an unreachable server must be a
    /// clear error, not a command that hangs while the pool retries.
    static func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw VaultTimeout(seconds: timeout.components.seconds)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw VaultTimeout(seconds: timeout.components.seconds) }
            return first
        }
    }
}

/// `MASKER_DATABASE_URL`: `postgres://user:password@host:port/database?sslmode=…&schema=…`, or
/// `?host=/run/postgresql` for a Unix socket. Parsed here so a bad URL is reported before any
/// connection attempt, and so messages can show it with the password removed.
struct PostgresURL {
    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String?
    var socketPath: String?
    var schema: String?
    var sslMode: SSLMode

    enum SSLMode { case disable, prefer, require }

    var tls: PostgresClient.Configuration.TLS {
        switch sslMode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    init(_ text: String) throws(VaultUnavailable) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw VaultUnavailable("MASKER_DATABASE_URL is not a postgres:// URL; expected postgres://user:password@host:5432/database")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        let path = components.path.drop { $0 == "/" }
        database = path.isEmpty ? nil : String(path)
        if let socket = query["host"], socket.hasPrefix("/") {
            // libpq's convention: the directory holding the socket file.
            socketPath = socket.hasSuffix(".sock") || socket.contains(".s.PGSQL.") ? socket : "\(socket)/.s.PGSQL.\(port)"
        }
        if let schema = query["schema"] {
            guard Self.isValidSchema(schema) else {
                throw VaultUnavailable("MASKER_DATABASE_URL schema must be lowercase letters, digits and _")
            }
            self.schema = schema
        }
        switch query["sslmode"] ?? "prefer" {
        case "disable": sslMode = .disable
        case "prefer", "allow": sslMode = .prefer
        // verify-*: makeClientConfiguration verifies the certificate and host name.
        case "require", "verify-ca", "verify-full": sslMode = .require
        case let other:
            throw VaultUnavailable("MASKER_DATABASE_URL sslmode '\(other)' is not one of disable, prefer, require, verify-full")
        }
    }

    /// The same settings for one direct connection (the start-up probe).
    func connectionConfiguration(timeout: Duration) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: user, password: password, database: database)
        } else {
            let mode: PostgresConnection.Configuration.TLS
            switch sslMode {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: mode = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        }
        configuration.options.connectTimeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        return configuration
    }

    /// Spliced into SQL as an identifier, so held to a safe alphabet.
    static func isValidSchema(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 63 && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// The URL without its password, for messages.
    var redacted: String {
        let target = socketPath.map { "\($0)" } ?? "\(host):\(port)"
        return "postgres://\(user)@\(target)/\(database ?? "")"
    }
}
