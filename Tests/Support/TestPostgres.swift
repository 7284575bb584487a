import Foundation

/// The PostgreSQL server the tests use. `scripts/test.sh` starts one on loopback and sets
/// `MASKER_TEST_DATABASE_URL`; without it the PostgreSQL cases fail (they never skip: a vault
/// suite that silently ran on one store would prove nothing about the other).
public enum TestPostgres {
    public static let variable = "MASKER_TEST_DATABASE_URL"

    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else { throw Missing() }
        return url
    }

    /// A schema name no other test uses.
    public static func freshSchema(_ prefix: String) -> String {
        "\(prefix)_\(UInt64.random(in: 0...UInt64.max))"
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "\(TestPostgres.variable) is not set: run the suite with scripts/test.sh, which starts PostgreSQL on loopback and sets it"
        }
    }
}
