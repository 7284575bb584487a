import Foundation
import Logging
import MaskerCore
import PostgresNIO

/// One `PostgresClient` pool for `MASKER_DATABASE_URL`, shared by the PostgreSQL vault and the
/// PostgreSQL server store so both connect, probe and report failures the same way.
struct PostgresPool: Sendable {
    let client: PostgresClient
    let runTask: Task<Void, Never>
    let settings: PostgresURL

    /// Connects, checks the server answers within `timeout`, and starts the pool. `schema`
    /// overrides the URL's `?schema=`. Throws naming host and cause, never the password.
    static func open(url: String, schema: String?, timeout: Duration, logger: Logger, what: String) async throws(VaultUnavailable) -> PostgresPool {
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
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 32
        // The pool retries a failing connection forever and logs each attempt: one direct
        // connection first turns "refused" or "password authentication failed" into this error.
        do {
            let probe = try settings.connectionConfiguration(timeout: timeout)
            try await withTimeout(timeout) {
                let connection = try await PostgresConnection.connect(on: PostgresClient.defaultEventLoopGroup.any(), configuration: probe,
                                                                      id: 0, logger: silent).get()
                try await connection.close()
            }
        } catch {
            throw VaultUnavailable("cannot open PostgreSQL \(what) \(settings.redacted): \(reason(error))")
        }
        // Connection retries are news only when asked for (-v); they never carry values.
        var background = logger
        if background.logLevel > .debug { background.logLevel = .critical }
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        return PostgresPool(client: client, runTask: Task { await client.run() }, settings: settings)
    }

    /// Query logs would carry bound values (ciphertext, hashes): never log queries.
    static let silent = Logger(label: "masker.postgres.silent", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The server's message and SQLSTATE, or the connection failure. Never `String(reflecting:)`:
    /// that includes the query and its bound values.
    static func reason(_ error: Error) -> String {
        if let error = error as? ConnectTimeout { return "no answer within \(error.seconds) s (is the server up and reachable?)" }
        guard let error = error as? PSQLError else { return "\(type(of: error))" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    struct ConnectTimeout: Error {
        var seconds: Int64
    }

    /// Runs `body`, failing with `ConnectTimeout` after `timeout`: an unreachable server must be a
    /// clear error, not a command that hangs while the pool retries.
    static func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withDeadline(timeout, timeoutError: { ConnectTimeout(seconds: timeout.components.seconds) }, body)
    }
}
