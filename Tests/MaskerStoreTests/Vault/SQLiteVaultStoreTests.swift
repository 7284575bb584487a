import Foundation
import GRDB
import MaskerCore
@testable import MaskerStore
import MaskerTestSupport
import Testing

/// What only the SQLite store has: a file, its permissions, its failure modes. The behaviour both
/// stores share is in `VaultStoreContractTests`.
struct SQLiteVaultStoreTests {
    @Test func theFileIsCreatedOwnerOnlyInAMissingDirectory() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("nested/vault.sqlite").path
        let store = try SQLiteVaultStore(path: path)
        try await store.insert([entry("MSKV1.PHONE.K.AAAA")])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// A committed token must survive a power cut: the writer syncs the log at every commit.
    /// GRDB's WAL set-up switches a pool's writer to NORMAL (synced only at checkpoints), so
    /// this fails if the store stops setting FULL after opening.
    @Test func everyCommitIsSyncedToDisk() async throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteVaultStore(path: scratch.url.appendingPathComponent("vault.sqlite").path)
        try await store.insert([entry("MSKV1.PHONE.K.AAAA")])
        #expect(try store.writerSynchronousMode() == 2) // FULL
    }

    /// Commits only append to the write-ahead log; a checkpoint on another connection copies it
    /// into the database file once it passes `checkpointPages` (SQLite's own checkpoint, which
    /// ran inside a commit, is off). Without it the file would never grow and the log never shrink.
    @Test func theLogIsCheckpointedIntoTheDatabaseFileInTheBackground() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("vault.sqlite").path
        let store = try SQLiteVaultStore(path: path, checkpointPages: 8)
        func size(_ file: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? Int) ?? 0 }
        let before = size(path)
        for turn in 0..<40 {
            try await store.insert((0..<20).map { entry("MSKV1.PHONE.K.T\(turn)-\($0)", ciphertext: Array(repeating: UInt8(turn), count: 200)) })
        }
        var waited = 0
        while size(path) < before + 40 * 4096, waited < 5_000 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 20
        }
        #expect(size(path) >= before + 40 * 4096, "the database file did not take in the log")
        // Commits back to back outrun the background checkpoint; past 8 × 8 pages the writer
        // checkpoints in line, so the log starts over instead of growing (about 9 pages a commit,
        // each page 4 KiB plus a 24-byte frame header). Never started over, it would hold all 40
        // commits, 360 pages. How far it gets before it does depends on how long the background
        // checkpoint takes (while it runs, the writer's own is turned away): about 100 pages on a
        // quiet machine, up to 125 seen on a busy one, so the bound is two thirds of 360.
        #expect(size(path + "-wal") < 240 * 4120)
        #expect(try await store.count(.all) == 800)
        #expect(try await store.entries(forTokens: ["MSKV1.PHONE.K.T39-19"]).count == 1)
    }

    @Test func anUnusablePathIsAClearError() throws {
        let scratch = try ScratchDirectory()
        let blocker = scratch.url.appendingPathComponent("file")
        _ = FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8))
        do {
            _ = try SQLiteVaultStore(path: blocker.appendingPathComponent("vault.sqlite").path)
            Issue.record("expected VaultUnavailable")
        } catch {
            #expect(error.description.contains("cannot open SQLite vault"))
        }
        let corrupt = scratch.url.appendingPathComponent("corrupt.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: corrupt)
        #expect(throws: VaultUnavailable.self) { try SQLiteVaultStore(path: corrupt.path) }
    }

    @Test func aLockedVaultIsAClearErrorAndNothingIsMasked() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("vault.sqlite").path
        let store = try SQLiteVaultStore(path: path, busyTimeout: 0.05)
        // Another process holding the write lock looks the same: the busy timeout runs out and the
        // write fails with SQLite's reason, and the turn is not masked.
        try await Self.holdingWriteLock(path) {
            let scheme = VaultDeterministicScheme(kid: "K", keyRing: VaultStoreContractTests.ring, store: store, scope: "call")
            await #expect(throws: TokenMintError.self) { try await scheme.mint("415-555-2671", kind: .phone) }
            do {
                try await store.insert([entry("MSKV1.PHONE.K.A")])
                Issue.record("expected VaultUnavailable")
            } catch let error as VaultUnavailable {
                #expect(error.description.contains("locked"))
                #expect(error.description.contains(path))
            }
        }
        #expect(try await store.count(.all) == 0)
    }

    @Test func aFullDiskIsAClearErrorAndTheTurnIsNotMasked() async throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteVaultStore(path: scratch.url.appendingPathComponent("vault.sqlite").path, maximumPages: 12)
        let scheme = VaultDeterministicScheme(kid: "K", keyRing: VaultStoreContractTests.ring, store: store, scope: "call")
        var failure: TokenMintError?
        for turn in 0..<500 where failure == nil {
            do {
                _ = try await scheme.mint((0..<8).map { MintRequest("patient\(turn)-\($0)@example.org", kind: .email) })
            } catch {
                failure = error
            }
        }
        let error = try #require(failure)
        #expect(error.description.contains("full"))
        #expect(error.description.contains("nothing was masked"))
        #expect(!error.description.contains("@example.org"))
    }

    /// Holds the write lock (an open exclusive transaction on a second connection) while `body`
    /// runs: another process that has the vault locked.
    static func holdingWriteLock(_ path: String, _ body: () async throws -> Void) async throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true // the point: a transaction left open across calls
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        do {
            try await body()
        } catch {
            try? connection.inDatabase { db in try db.execute(sql: "ROLLBACK") }
            throw error
        }
        try connection.inDatabase { db in try db.execute(sql: "ROLLBACK") }
    }
}
