import Foundation
import GRDB
import MaskerCore
import PostgresNIO

/// The short, value-free cause of a storage failure, for the message a client gets: "the disk is
/// full" rather than `db_unavailable` alone (the full reason, with paths and SQL, goes to the log).
/// Read from the error when there is one, else from the store's reason text, whose wording the
/// stores themselves produce (SQLite's messages, `PostgresPool`'s, strerror's).
public enum StorageCause {
    public static func of(_ error: any Error) -> String {
        switch error {
        case let error as DatabaseError: return of(sqlite: error.resultCode)
        case let error as VaultUnavailable: return of(reason: error.reason)
        case let error as ServerStoreError: return of(reason: error.description)
        case let error as AuditLogError: return of(reason: error.description)
        case is PostgresPool.QueryTimeout, is PostgresPool.ConnectTimeout: return "the database did not answer in time"
        case is PostgresPool.Unreachable: return "the database cannot be reached"
        default: return of(reason: String(describing: error))
        }
    }

    static func of(sqlite code: ResultCode) -> String {
        switch code {
        case .SQLITE_FULL: "the disk is full"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the database is locked by another process"
        case .SQLITE_IOERR: "the disk reported an I/O error"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: "the database file cannot be written"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: "the database file is damaged"
        default: "a database error"
        }
    }

    /// Known phrases of the stores' own reasons, most specific first.
    static func of(reason text: String) -> String {
        let phrases: [(String, String)] = [
            ("database or disk is full", "the disk is full"), ("No space left on device", "the disk is full"),
            ("SQLSTATE 53100", "the database's disk is full"), ("Disk quota exceeded", "the disk is full"),
            ("MASKER_DATABASE_QUERY_TIMEOUT_MS", "the database did not answer in time"),
            ("has been unreachable since", "the database cannot be reached"), ("no answer within", "the database did not answer in time"),
            ("database is locked", "the database is locked by another process"), ("disk I/O error", "the disk reported an I/O error"),
            ("Input/output error", "the disk reported an I/O error"), ("fdatasync", "the disk could not sync a write"),
            ("readonly database", "the database file cannot be written"), ("Read-only file system", "the disk is read-only"),
            ("Permission denied", "the file cannot be written"), ("no connection could be made", "the database cannot be reached"),
            ("connectionClosed", "the database closed the connection"), ("serverClosedConnection", "the database closed the connection"),
            ("connectionError", "the database cannot be reached"),
        ]
        return phrases.first { text.contains($0.0) }?.1 ?? "a storage error"
    }
}
