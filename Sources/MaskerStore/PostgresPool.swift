import Foundation
import Logging
import MaskerCore
import PostgresNIO
import Synchronization

/// One `PostgresClient` pool for `MASKER_DATABASE_URL`, shared by the PostgreSQL vault and the
/// PostgreSQL server store so both connect, time out, fail fast and recover the same way.
///
/// PostgresNIO's pool alone is wrong for a proxy in an outage: a request waits for a connection
/// until the pool's circuit breaker opens (a minute), and once the database is back the pool's
/// back-off (100 ms × 1.25ⁿ, up to a minute) can leave it unused for half a minute more. So:
/// - every operation a request waits for is bounded by `StoreTimeouts.query`
///   (`withAbandoningDeadline`: the caller gets its answer on time whatever the driver does);
/// - the first operation that finds the database unreachable starts an outage: operations fail
///   at once, with the time and reason, while a monitor tries a direct connection every 250 ms;
/// - when one succeeds, a fresh pool (no back-off history) replaces the old one, and the outage ends.
final class PostgresPool: Sendable {
    let settings: PostgresURL
    let timeouts: StoreTimeouts
    /// The last real operation's outcome per class, for `/health`.
    let health = OperationHealth()
    private let what: String
    private let configuration: PostgresClient.Configuration
    private let background: Logger
    private let state: Mutex<State>

    private struct State {
        var client: PostgresClient
        var runTask: Task<Void, Never>
        /// Counts pools: a failure on a pool already replaced does not start a new outage.
        var generation = 0
        var outage: Outage?
        var closed = false
    }

    struct Outage: Sendable {
        var since: Date
        var reason: String
        var monitor: Task<Void, Never>
    }

    /// An operation refused or stopped because PostgreSQL cannot be reached (or did not answer in
    /// time). The message names host, cause and since when; never a password or a value.
    struct Unreachable: Error, CustomStringConvertible {
        var description: String
    }

    struct QueryTimeout: Error, CustomStringConvertible {
        var limit: Duration
        var description: String {
            "no answer within \(Int(limit.milliseconds)) ms (MASKER_DATABASE_QUERY_TIMEOUT_MS)"
        }
    }

    private init(settings: PostgresURL, timeouts: StoreTimeouts, what: String, configuration: PostgresClient.Configuration, background: Logger) {
        self.settings = settings
        self.timeouts = timeouts
        self.what = what
        self.configuration = configuration
        self.background = background
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        state = Mutex(State(client: client, runTask: Task { await client.run() }))
        Self.siblings.withLock { pools in
            pools[Self.siblingKey(settings), default: []].removeAll { $0.pool == nil }
            pools[Self.siblingKey(settings), default: []].append(Weak(pool: self))
        }
    }

    /// The pools of one database in this process (the vault's, the server store's, the audit
    /// chain's: each store opens its own) share what one of them learns of an outage. Otherwise
    /// an operation that touches two stores in turn (a token that could not be read from the
    /// vault, then its `rehydration_failed` event appended to the audit chain) waited out the
    /// query timeout once per pool: 4 s instead of 2 when the database froze (Tests/faults).
    private static let siblings = Mutex<[String: [Weak]]>([:])

    /// One server's stores share a URL, schema included; throwaway schemas (tests, benchmarks)
    /// keep theirs apart, so one test's slow query does not fail another's.
    private static func siblingKey(_ settings: PostgresURL) -> String { settings.redacted + "#" + (settings.schema ?? "") }

    private struct Weak {
        weak var pool: PostgresPool?
    }

    /// An outage another pool of this database is going through, if any.
    private func siblingOutage() -> (since: Date, reason: String)? {
        let pools = Self.siblings.withLock { $0[Self.siblingKey(settings)] ?? [] }
        for sibling in pools {
            guard let pool = sibling.pool, pool !== self,
                  let outage = pool.state.withLock({ $0.outage.map { (since: $0.since, reason: $0.reason) } }) else { continue }
            return outage
        }
        return nil
    }

    /// Connects, checks the server answers within `timeout`, and starts the pool. `schema`
    /// overrides the URL's `?schema=`. Throws naming host and cause, never the password.
    static func open(url: String, schema: String?, timeout: Duration, timeouts: StoreTimeouts, logger: Logger,
                     what: String) async throws(VaultUnavailable) -> PostgresPool {
        var settings = try PostgresURL(url)
        if let schema {
            guard PostgresURL.isValidSchema(schema) else { throw VaultUnavailable("schema names are lowercase letters, digits and _") }
            settings.schema = schema
        }
        var configuration: PostgresClient.Configuration
        if let socket = settings.socketPath {
            configuration = .init(unixSocketPath: socket, username: settings.user, password: settings.password, database: settings.database)
        } else {
            configuration = .init(host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                                  database: settings.database, tls: settings.tls)
        }
        configuration.options.connectTimeout = timeouts.connect
        configuration.options.maximumConnections = 32
        // The pool retries a failing connection forever and logs each attempt: one direct
        // connection first turns "refused" or "password authentication failed" into this error.
        do {
            try await connectOnce(settings, timeout: timeout)
        } catch {
            throw VaultUnavailable("cannot open PostgreSQL \(what) \(settings.redacted): \(reason(error))")
        }
        // Connection retries are news only when asked for (-v); they never carry values.
        var background = logger
        if background.logLevel > .debug { background.logLevel = .critical }
        return PostgresPool(settings: settings, timeouts: timeouts, what: what, configuration: configuration, background: background)
    }

    /// One direct connection, opened and closed within `timeout`.
    private static func connectOnce(_ settings: PostgresURL, timeout: Duration) async throws {
        let probe = try settings.connectionConfiguration(timeout: timeout)
        try await withTimeout(timeout) {
            let connection = try await PostgresConnection.connect(on: PostgresClient.defaultEventLoopGroup.any(), configuration: probe,
                                                                  id: 0, logger: silent).get()
            try await connection.close()
        }
    }

    /// Runs one operation on the pool: refused at once during an outage; bounded by the query
    /// timeout unless `bounded` is false (bulk administration); its outcome recorded in `health`.
    /// Integrity and data errors (a unique name taken) are the caller's business, not the database's health.
    @discardableResult
    func run<T: Sendable>(_ operation: OperationHealth.Operation, bounded: Bool = true,
                          _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let (client, generation, own) = state.withLock { ($0.client, $0.generation, $0.outage.map { (since: $0.since, reason: $0.reason) }) }
        if let outage = own ?? siblingOutage() {
            throw Unreachable(description: "PostgreSQL \(settings.redacted) has been unreachable since \(UTCTimestamp.format(outage.since)) "
                + "(\(outage.reason)); reconnecting every 250 ms")
        }
        do {
            let value: T
            if bounded {
                let limit = timeouts.query
                value = try await withAbandoningDeadline(limit, timeoutError: { QueryTimeout(limit: limit) }) { try await body(client) }
            } else {
                value = try await body(client)
            }
            health.succeeded(operation)
            return value
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let error = Self.unwrapped(error)
            record(error, operation: operation, generation: generation)
            throw error
        }
    }

    /// What went wrong inside a transaction: PostgresNIO wraps whatever its closure, `BEGIN` or
    /// `COMMIT` threw in a `PostgresTransactionError`, which would otherwise read as a connection
    /// failure (a constraint refused, a chain found broken, would start an outage).
    static func unwrapped(_ error: any Error) -> any Error {
        guard let wrapped = error as? PostgresTransactionError else { return error }
        return wrapped.beginError ?? wrapped.closureError ?? wrapped.commitError ?? wrapped.rollbackError ?? error
    }

    private func record(_ error: any Error, operation: OperationHealth.Operation, generation: Int) {
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], state.hasPrefix("22") || state.hasPrefix("23") {
            return
        }
        // A query cancelled because its caller went away (a client that hung up) says nothing of the database.
        if let error = error as? PSQLError, error.code == .queryCancelled { return }
        // Errors of Masker's own making inside `body` (a record that vanished) say nothing of the database.
        guard !(error is ServerStoreError), !(error is VaultUnavailable), !(error is AuditLogError) else { return }
        let reason = Self.reason(error)
        guard Self.isConnectivity(error) else {
            health.failed(operation, reason: reason)
            return
        }
        health.failed(.connection, reason: reason)
        state.withLock { state in
            guard state.outage == nil, !state.closed, state.generation == generation else { return }
            state.outage = Outage(since: Date(), reason: reason, monitor: Task { await self.reconnect() })
        }
    }

    /// Whether the error says the server could not be reached or did not answer, rather than
    /// that it refused one statement: SQLSTATE classes 08 (connection) and 57P (shutting down,
    /// starting up), too many connections, a connection closed or broken, our deadlines, and the
    /// pool's own errors, such as its circuit breaker (`ConnectionPoolError`, of a module
    /// PostgresNIO keeps internal, so: any error that is not a `PSQLError`).
    static func isConnectivity(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return true }
        guard let state = error.serverInfo?[.sqlState] else {
            return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed].contains(error.code)
        }
        return state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300"
    }

    /// Tries a direct connection every 250 ms; the first that works replaces the pool.
    private func reconnect() async {
        while !Task.isCancelled {
            do {
                try await Self.connectOnce(settings, timeout: timeouts.connect)
                let client = PostgresClient(configuration: configuration, backgroundLogger: background)
                let runTask = Task { await client.run() }
                let old = state.withLock { state -> Task<Void, Never>? in
                    guard !state.closed else { return nil }
                    defer {
                        state.client = client
                        state.runTask = runTask
                        state.generation += 1
                        state.outage = nil
                    }
                    return state.runTask
                }
                guard let old else {
                    runTask.cancel()
                    return
                }
                old.cancel()
                health.succeeded(.connection)
                return
            } catch {
                let reason = Self.reason(error)
                state.withLock { $0.outage?.reason = reason }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// Whether an outage is going on, and since when (tests, `/health`).
    var outageSince: Date? { state.withLock { $0.outage?.since } }

    func close() async {
        let (runTask, monitor) = state.withLock { state -> (Task<Void, Never>, Task<Void, Never>?) in
            state.closed = true
            return (state.runTask, state.outage?.monitor)
        }
        monitor?.cancel()
        runTask.cancel()
        _ = await runTask.value
    }

    deinit {
        state.withLock { state in
            state.runTask.cancel()
            state.outage?.monitor.cancel()
        }
    }

    /// Query logs would carry bound values (ciphertext, hashes): never log queries.
    static let silent = Logger(label: "masker.postgres.silent", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The server's message and SQLSTATE, or the connection failure. Never `String(reflecting:)`:
    /// that includes the query and its bound values.
    static func reason(_ error: any Error) -> String {
        if let error = error as? ConnectTimeout { return "no answer within \(error.seconds) s (is the server up and reachable?)" }
        if let error = error as? QueryTimeout { return error.description }
        if let error = error as? Unreachable { return error.description }
        guard let error = error as? PSQLError else { return "no connection could be made (\(type(of: error)))" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    struct ConnectTimeout: Error {
        var seconds: Double
    }

    /// Runs `body`, failing with `ConnectTimeout` after `timeout`: an unreachable server must be a
    /// clear error, not a command that hangs while the pool retries.
    static func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withAbandoningDeadline(timeout, timeoutError: { ConnectTimeout(seconds: Double(timeout.milliseconds) / 1000) }, body)
    }
}
