import Foundation
import MaskerCore
import MaskerStore
import MaskerTestSupport
import Testing

struct SQLiteVaultStoreTests {
    static let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()

    func entry(_ token: String, ciphertext: [UInt8] = [1, 2, 3]) -> VaultEntry {
        VaultEntry(token: token, kind: .phone, kid: "K", scope: "s", ciphertext: ciphertext, subjectHash: [9, 9],
                   createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func storesAndReadsBackAcrossReopen() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("vault/vault.sqlite").path
        let stored = try SQLiteVaultStore(path: path).insertIfAbsent(entry("MSKV1.PHONE.K.AAAA"))
        let reopened = try SQLiteVaultStore(path: path)
        #expect(try reopened.entry(forToken: "MSKV1.PHONE.K.AAAA") == stored)
        #expect(try reopened.entry(forToken: "MSKV1.PHONE.K.BBBB") == nil)
        #expect(try reopened.count() == 1)
    }

    @Test func concurrentWritersOfOneTokenLeaveOneRowAndAgree() async throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteVaultStore(path: scratch.url.appendingPathComponent("vault.sqlite").path)
        let winners = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for writer in 0..<16 {
                group.addTask { try store.insertIfAbsent(self.entry("MSKV1.PHONE.K.SAME", ciphertext: [UInt8(writer)])).ciphertext }
            }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(winners.count == 1)
        #expect(try store.count() == 1)
    }

    @Test func anUnusablePathIsAClearError() throws {
        let scratch = try ScratchDirectory()
        let blocker = scratch.url.appendingPathComponent("file")
        FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8))
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

    @Test func theVaultSchemeRoundTripsThroughSQLite() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteVaultStore(path: scratch.url.appendingPathComponent("vault.sqlite").path)
        let ring = KeyRing.fromEnvironment(["MASKER_KEY_K": Self.key]).ring
        let scheme = VaultDeterministicScheme(kid: "K", keyRing: ring, store: store, scope: "call")
        let token = try scheme.mint("four one five five five five two six seven one", kind: .phone)
        let later = VaultDeterministicScheme(kid: "K", keyRing: ring,
                                             store: try SQLiteVaultStore(path: store.path), scope: "another-call")
        #expect(try later.restore(token).get() == "four one five five five five two six seven one")
    }
}
