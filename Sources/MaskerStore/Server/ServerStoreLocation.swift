import Foundation
import Logging

/// Where the server's records live, by the same rule as the vault (`VaultLocation`): the
/// PostgreSQL database of `MASKER_DATABASE_URL` when set, else the SQLite file
/// `MASKER_SERVER_DB_PATH` (default `<data dir>/server.sqlite`).
public enum ServerStoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static func from(environment: [String: String], dataDirectory: DataDirectory) -> ServerStoreLocation {
        if let url = environment["MASKER_DATABASE_URL"], !url.isEmpty { return .postgres(url: url) }
        return .sqlite(path: SQLiteServerStore.defaultPath(environment: environment, dataDirectory: dataDirectory))
    }

    public var description: String {
        switch self {
        case let .sqlite(path): return path
        case let .postgres(url): return (try? PostgresURL(url).redacted) ?? "postgres://…"
        }
    }

    public func open(timeouts: StoreTimeouts = .defaults,
                     logger: Logger = Logger(label: "masker.server.db")) async throws(ServerStoreError) -> any ServerStore {
        switch self {
        case let .sqlite(path): return try SQLiteServerStore(path: path, busyTimeout: timeouts.sqliteBusySeconds)
        case let .postgres(url): return try await PostgresServerStore(url: url, timeouts: timeouts, logger: logger)
        }
    }
}
