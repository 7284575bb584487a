import Foundation
import MaskerCore
import PostgresNIO

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
