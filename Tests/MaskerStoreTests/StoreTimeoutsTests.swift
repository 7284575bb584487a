import MaskerCore
import MaskerStore
import Testing

struct StoreTimeoutsTests {
    @Test func defaultsAreTwoSecondsEach() throws {
        let timeouts = try StoreTimeouts.from(environment: [:])
        #expect(timeouts == StoreTimeouts(connect: .seconds(2), query: .seconds(2), sqliteBusy: .seconds(2)))
        #expect(timeouts.sqliteBusySeconds == 2)
    }

    @Test func eachIsSetInMilliseconds() throws {
        let timeouts = try StoreTimeouts.from(environment: [
            "MASKER_DATABASE_CONNECT_TIMEOUT_MS": "500", "MASKER_DATABASE_QUERY_TIMEOUT_MS": "750", "MASKER_SQLITE_BUSY_TIMEOUT_MS": "1500",
        ])
        #expect(timeouts.connect == .milliseconds(500) && timeouts.query == .milliseconds(750) && timeouts.sqliteBusy == .milliseconds(1500))
    }

    /// A bad value names the variable, the range and the default.
    @Test(arguments: ["0", "-5", "2s", "600001"])
    func aBadValueIsRefusedWithTheVariableNamed(_ value: String) {
        #expect {
            try StoreTimeouts.from(environment: ["MASKER_DATABASE_QUERY_TIMEOUT_MS": value])
        } throws: { error in
            "\(error)".contains("MASKER_DATABASE_QUERY_TIMEOUT_MS") && "\(error)".contains("1 to 600000")
        }
    }
}

/// What a client hears of a storage failure: the cause in a few words, never paths or SQL.
struct StorageCauseTests {
    @Test(arguments: [
        ("cannot write SQLite vault /data/vault.sqlite: database or disk is full", "the disk is full"),
        ("cannot append to the audit log /data/audit.jsonl: No space left on device; the operation was stopped", "the disk is full"),
        ("cannot write PostgreSQL vault db:5432/m: no answer within 2000 ms (MASKER_DATABASE_QUERY_TIMEOUT_MS)", "the database did not answer in time"),
        ("PostgreSQL db:5432/m has been unreachable since 2026-12-06T14:00:00Z (connection refused)", "the database cannot be reached"),
        ("could not extend file: No space left (SQLSTATE 53100)", "the database's disk is full"),
        ("database is locked", "the database is locked by another process"),
        ("something nobody expected", "a storage error"),
    ])
    func causesAreReadFromTheStoresReasons(_ reason: String, _ cause: String) {
        #expect(StorageCause.of(VaultUnavailable(reason)) == cause)
    }
}
