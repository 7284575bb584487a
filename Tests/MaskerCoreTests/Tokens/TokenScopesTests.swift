import Foundation
import MaskerCore
import Testing

/// Accounts are walls for both schemes: a token restores in the scope it was minted in only.
struct TokenScopesTests {
    let ring = keyRing(["MASKER_KEY_K": testKey])

    @Test func scopesNameTheAccountFirst() {
        var policy = Policy.healthcareDefault
        #expect(TokenScopes.scope(policy, account: "acct_1", owner: "agt_1", session: "call-1") == "acct_1/agt_1/call-1")
        policy.scope = .global
        #expect(TokenScopes.scope(policy, account: "acct_1", owner: "agt_1", session: "call-1") == "acct_1/*")
    }

    @Test func anAEADTokenOpensOnlyInItsScope() async throws {
        let minted = try await ReversibleAEADScheme(kid: "K", keyRing: ring, scope: "acct_a/agt_1/call-1").mint("415-555-2671", kind: .phone)
        #expect(try await ReversibleAEADScheme(kid: "K", keyRing: ring, scope: "acct_a/agt_1/call-1").restore(minted).get() == "415-555-2671")
        for scope in ["acct_b/agt_1/call-1", "acct_a/agt_1/call-2", "acct_a/*", ""] {
            #expect(await ReversibleAEADScheme(kid: "K", keyRing: ring, scope: scope).restore(minted) == .failure(.tampered))
        }
    }

    @Test func theRehydratorAnswersAnotherScopesTokenAsAnUnknownOne() async throws {
        let store = InMemoryVaultStore()
        let vault = VaultDeterministicScheme(kid: "K", keyRing: ring, store: store, scope: "acct_a/api/call-1")
        let token = try await vault.mint("415-555-2671", kind: .phone)
        var unknown = token
        unknown.body = String(repeating: "A", count: 26)
        let own = await Rehydrator(kid: "K", keyRing: ring, vault: store, scope: "acct_a/api/call-1").rehydrate("x \(token)")
        #expect(own.text == "x 415-555-2671")
        let other = Rehydrator(kid: "K", keyRing: ring, vault: store, scope: "acct_b/api/call-1")
        let stolen = await other.rehydrate("x \(token)"), forged = await other.rehydrate("x \(unknown)")
        #expect(stolen.text == forged.text && stolen.text == "x [REDACTED:PHONE]")
        // Each event names its own token; apart from that, nothing tells them apart.
        #expect(stolen.events.map { [$0.kind?.rawValue, $0.scheme, "\($0.outcome)", $0.kid] }
                == forged.events.map { [$0.kind?.rawValue, $0.scheme, "\($0.outcome)", $0.kid] })
    }
}
