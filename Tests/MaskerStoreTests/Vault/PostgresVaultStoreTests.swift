import Foundation
import MaskerCore
import MaskerStore
import Testing

/// What only the PostgreSQL store has: a URL, a password, a network. The behaviour both stores
/// share is in `VaultStoreContractTests`.
struct PostgresVaultStoreTests {
    @Test func anUnreachableServerIsAClearErrorThatNeverShowsThePassword() async throws {
        // Port 9 on loopback: nothing listens, the connection is refused at once. How quickly the
        // failure comes is not asserted here (a wall-clock bound failed under a loaded 2-core CI run,
        // and timings belong in benchmarks); the store's own 3 s timeout bounds it.
        do {
            _ = try await PostgresVaultStore(url: "postgres://masker:s3cret-pw@127.0.0.1:9/vault?sslmode=disable", timeout: .seconds(3))
            Issue.record("expected VaultUnavailable")
        } catch {
            #expect(error.description.contains("postgres://masker@127.0.0.1:9/vault"))
            #expect(!error.description.contains("s3cret-pw"))
        }
    }

    @Test(arguments: [
        ("mysql://u:pw@host/db", "not a postgres:// URL"),
        ("postgres://u:pw@host/db?sslmode=sometimes", "sslmode 'sometimes'"),
        ("postgres://u:pw@host/db?schema=Robert%27);DROP", "schema must be"),
    ])
    func aMalformedURLIsRejectedBeforeConnecting(_ url: String, _ message: String) async {
        do {
            _ = try await PostgresVaultStore(url: url)
            Issue.record("expected VaultUnavailable")
        } catch {
            #expect(error.description.contains(message))
            #expect(!error.description.contains("pw"))
        }
    }

    @Test func aWrongPasswordIsTheServersReasonWithoutThePassword() async throws {
        let url = try TestVault.postgresURL()
        var components = try #require(URLComponents(string: url))
        components.password = "definitely-wrong"
        do {
            _ = try await PostgresVaultStore(url: try #require(components.string), timeout: .seconds(5))
            Issue.record("expected VaultUnavailable")
        } catch let error as VaultUnavailable {
            #expect(error.description.contains("password authentication failed"))
            #expect(!error.description.contains("definitely-wrong"))
        }
    }

    @Test func theLocationShowsHostAndDatabaseButNotThePassword() async throws {
        let url = try TestVault.postgresURL()
        let password = try #require(URLComponents(string: url)?.password)
        let vault = try await TestVault.make(.postgres)
        #expect(vault.store.location.hasPrefix("postgres://postgres@127.0.0.1:"))
        #expect(!vault.store.location.contains(password))
        await vault.discard()
    }

    @Test func aVaultOutsideItsOwnSchemaIsNeverDropped() async throws {
        let store = try await PostgresVaultStore(url: try TestVault.postgresURL())
        await #expect(throws: VaultUnavailable.self) { try await store.dropSchema() }
        await store.close()
    }
}
