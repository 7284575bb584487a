import Foundation
import GRDB
import PostgresNIO

/// The one-row table every store keeps for `/health`: after a failed write, `/health` rewrites
/// its row, a real write that fails as a turn's would (disk full, file locked, database gone) and
/// leaves nothing behind. One definition for the SQLite files and the PostgreSQL tables alike.
enum HealthProbeTable {
    /// Adds the table to a SQLite file's migrations, under the migration name that file uses.
    static func register(in migrator: inout DatabaseMigrator, as migration: String) {
        migrator.registerMigration(migration) { db in
            try db.create(table: "health_probe") { table in
                table.primaryKey("id", .integer)
                table.column("at", .text).notNull()
            }
        }
    }

    /// Rewrites the row in a SQLite file.
    static func touch(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at",
                       arguments: [SQLiteDate.text(Date())])
    }

    /// Creates the table in PostgreSQL (`table` is a quoted, schema-qualified name of our own).
    static func create(_ table: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS \(table) (id integer PRIMARY KEY, at timestamptz NOT NULL)")
    }

    /// Rewrites the row in PostgreSQL.
    static func touch(_ table: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: "INSERT INTO \(table) (id, at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET at = excluded.at")
    }
}
