import Foundation
import GRDB

/// Opens one of Masker's SQLite files (the vault, the server database) the same way: its directory
/// created owner-only, a WAL `DatabasePool`, migrations run, and the database with its `-wal` and
/// `-shm` files made owner-only too — the vault's rows are encrypted, but their number and timing
/// are not, and the server database holds token hashes and session counts.
enum PrivateSQLiteDatabase {
    static func open(path: String, configuration: Configuration, migrator: DatabaseMigrator) throws -> DatabasePool {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
        return pool
    }
}
