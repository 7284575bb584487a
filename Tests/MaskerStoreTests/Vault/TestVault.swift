import Foundation
import MaskerCore
import MaskerStore
import MaskerTestSupport

/// The stores the shared vault suite runs against. Every test of `VaultStoreContractTests` runs
/// once per case, so SQLite and PostgreSQL are held to exactly the same behaviour.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite, postgres
    var testDescription: String { rawValue }
}

import Testing

/// A fresh, empty vault of one kind, and what it takes to throw it away.
final class TestVault: @unchecked Sendable {
    let store: any VaultStore
    private let scratch: ScratchDirectory?
    private let schema: String?

    static func postgresURL() throws -> String { try TestPostgres.url() }

    private init(store: any VaultStore, scratch: ScratchDirectory?, schema: String?) {
        self.store = store
        self.scratch = scratch
        self.schema = schema
    }

    static func make(_ kind: StoreKind) async throws -> TestVault {
        switch kind {
        case .memory:
            return TestVault(store: InMemoryVaultStore(), scratch: nil, schema: nil)
        case .sqlite:
            let scratch = try ScratchDirectory()
            return TestVault(store: try SQLiteVaultStore(path: scratch.url.appendingPathComponent("vault.sqlite").path),
                             scratch: scratch, schema: nil)
        case .postgres:
            let schema = TestPostgres.freshSchema("masker_test")
            return TestVault(store: try await PostgresVaultStore(url: try postgresURL(), schema: schema), scratch: nil, schema: schema)
        }
    }

    /// A second connection to the same vault, as another process or replica would open it.
    func reopen() async throws -> any VaultStore {
        switch store {
        case let sqlite as SQLiteVaultStore: return try SQLiteVaultStore(path: sqlite.path)
        case is PostgresVaultStore: return try await PostgresVaultStore(url: try Self.postgresURL(), schema: schema)
        default: return store
        }
    }

    /// Drops a PostgreSQL test schema and closes connections; SQLite files go with the scratch directory.
    func discard() async {
        if let postgres = store as? PostgresVaultStore { try? await postgres.dropSchema() }
        await store.close()
    }

    /// Runs `body` against a fresh vault of `kind`, discarding it afterwards whatever happens.
    static func with(_ kind: StoreKind, _ body: (TestVault) async throws -> Void) async throws {
        let vault = try await make(kind)
        do {
            try await body(vault)
            await vault.discard()
        } catch {
            await vault.discard()
            throw error
        }
    }
}

func entry(_ token: String, kind: EntityKind = .phone, kid: String = "K", ciphertext: [UInt8] = [1, 2, 3],
           subject: [UInt8] = [9, 9], at seconds: TimeInterval = 1_800_000_000) -> VaultEntry {
    VaultEntry(token: token, kind: kind, kid: kid, scope: "s", ciphertext: ciphertext, subjectHash: subject,
               createdAt: Date(timeIntervalSince1970: seconds))
}
