import Crypto
import Foundation
import Logging

/// Where the audit chain lives: `MASKER_AUDIT_STORE=file|postgres`.
///
/// The default is `postgres` when `MASKER_DATABASE_URL` is set, `file` otherwise. A server given a
/// database is a server that may run as several replicas (SPEC section 10), and a replica's disk
/// goes away with it (a pod, a machine): with a file per replica, the record of what a replica
/// masked would go too, and an auditor would get one chain per replica with no way to know one
/// is missing. `MASKER_AUDIT_STORE=file` keeps the file (`MASKER_AUDIT_LOG_PATH`) beside a database.
public enum AuditStoreLocation: Sendable, Equatable, CustomStringConvertible {
    case file(path: String)
    case postgres(url: String)

    public static let variable = "MASKER_AUDIT_STORE"

    public static func from(environment: [String: String], configuration: AuditConfiguration) throws(AuditLogError) -> AuditStoreLocation {
        let url = environment["MASKER_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        switch environment[variable].flatMap({ $0.isEmpty ? nil : $0.lowercased() }) {
        case nil: return url.map { .postgres(url: $0) } ?? .file(path: configuration.logPath)
        case "file": return .file(path: configuration.logPath)
        case "postgres":
            guard let url else {
                throw .invalidSetting("\(variable)=postgres needs MASKER_DATABASE_URL (postgres://user:password@host/db); set it, or use \(variable)=file")
            }
            return .postgres(url: url)
        case let other?:
            throw .invalidSetting("\(variable) is '\(other)'; it takes file or postgres")
        }
    }

    public var description: String {
        switch self {
        case let .file(path): return path
        case let .postgres(url): return (try? PostgresURL(url).redacted) ?? "postgres://…"
        }
    }

    /// Opens the chain for appending and reading, checked as each store checks it on opening.
    public func open(key: SymmetricKey, timeouts: StoreTimeouts = .defaults,
                     logger: Logger = Logger(label: "masker.audit")) async throws(AuditLogError) -> any AuditStore {
        switch self {
        case let .file(path): return try AuditLog(path: path, key: key, logger: logger)
        case let .postgres(url): return try await PostgresAuditLog(url: url, key: key, timeouts: timeouts, logger: logger)
        }
    }
}
