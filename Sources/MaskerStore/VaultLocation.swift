import Foundation
import Logging
import MaskerCore

/// Where the vault lives, from the environment: PostgreSQL when `MASKER_DATABASE_URL` is a
/// `postgres://` URL, else the SQLite file `MASKER_VAULT_PATH` (default `<data dir>/vault.sqlite`).
public enum VaultLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static func from(environment: [String: String], dataDirectory: DataDirectory) throws(VaultUnavailable) -> VaultLocation {
        if let url = environment["MASKER_DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw VaultUnavailable("MASKER_DATABASE_URL must be a postgres:// URL (or unset for the SQLite vault)")
            }
            return .postgres(url: url)
        }
        return .sqlite(path: SQLiteVaultStore.defaultPath(environment: environment, dataDirectory: dataDirectory))
    }

    /// For messages: the path, or the URL without its password.
    public var description: String {
        switch self {
        case let .sqlite(path): return path
        case let .postgres(url): return (try? PostgresURL(url).redacted) ?? "postgres://…"
        }
    }

    /// Whether there is anything to administer yet: a missing SQLite file means nothing was ever
    /// stored; a PostgreSQL vault is asked (the table is created on first open).
    public var mayExist: Bool {
        if case let .sqlite(path) = self { return FileManager.default.fileExists(atPath: path) }
        return true
    }

    public func open(timeouts: StoreTimeouts = .defaults, logger: Logger = Logger(label: "masker.vault")) async throws(VaultUnavailable) -> any VaultStore {
        switch self {
        case let .sqlite(path): return try SQLiteVaultStore(path: path, busyTimeout: timeouts.sqliteBusySeconds)
        case let .postgres(url): return try await PostgresVaultStore(url: url, timeouts: timeouts, logger: logger)
        }
    }
}
