import Foundation

/// How long storage may keep a caller waiting: a database outage must answer callers with 503 in
/// about two seconds, not hold them until the driver gives up (PostgresNIO's pool waits for a
/// connection up to a minute, SQLite's busy handler as long as it is told).
///
/// - `MASKER_DATABASE_CONNECT_TIMEOUT_MS` (default 2000): one PostgreSQL connection attempt.
/// - `MASKER_DATABASE_QUERY_TIMEOUT_MS` (default 2000): one PostgreSQL operation a request waits
///   for, from asking the pool for a connection to the last row. Bulk administration (`vault
///   rekey`, `purge`) is not bounded by it.
/// - `MASKER_SQLITE_BUSY_TIMEOUT_MS` (default 2000): how long a SQLite write waits for another
///   process's write before it fails.
public struct StoreTimeouts: Sendable, Equatable {
    public var connect: Duration
    public var query: Duration
    public var sqliteBusy: Duration

    public init(connect: Duration = .seconds(2), query: Duration = .seconds(2), sqliteBusy: Duration = .seconds(2)) {
        self.connect = connect
        self.query = query
        self.sqliteBusy = sqliteBusy
    }

    public static let defaults = StoreTimeouts()

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func from(environment: [String: String]) throws(Invalid) -> StoreTimeouts {
        var timeouts = StoreTimeouts()
        timeouts.connect = try milliseconds(environment, "MASKER_DATABASE_CONNECT_TIMEOUT_MS", default: timeouts.connect)
        timeouts.query = try milliseconds(environment, "MASKER_DATABASE_QUERY_TIMEOUT_MS", default: timeouts.query)
        timeouts.sqliteBusy = try milliseconds(environment, "MASKER_SQLITE_BUSY_TIMEOUT_MS", default: timeouts.sqliteBusy)
        return timeouts
    }

    private static func milliseconds(_ environment: [String: String], _ name: String, default value: Duration) throws(Invalid) -> Duration {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), (1...600_000).contains(number) else {
            throw Invalid(description: "\(name) \"\(text)\" must be a whole number of milliseconds from 1 to 600000 (default \(value.components.seconds * 1000))")
        }
        return .milliseconds(number)
    }

    /// SQLite's busy timeout in GRDB's unit.
    public var sqliteBusySeconds: TimeInterval {
        Double(sqliteBusy.components.seconds) + Double(sqliteBusy.components.attoseconds) / 1e18
    }
}
