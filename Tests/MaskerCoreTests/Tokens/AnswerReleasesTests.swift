import MaskerCore
import Testing

struct AnswerReleasesTests {
    static func event(_ token: String?, _ outcome: RehydrationEvent.Outcome = .restored) -> RehydrationEvent {
        RehydrationEvent(kind: .phone, scheme: "MSKV1", outcome: outcome, kid: "k1", token: token)
    }

    @Test func aTokenIsRecordedOnceAnAnswerHowEverOftenItIsDelivered() {
        var releases = AnswerReleases()
        #expect(releases.fresh([Self.event("A"), Self.event("B"), Self.event("A")]).map(\.token) == ["A", "B"])
        #expect(releases.fresh([Self.event("B"), Self.event("A")]).isEmpty)
        #expect(releases.fresh([Self.event("C", .failed(.unknownToken)), Self.event("C", .failed(.unknownToken))]).count == 1)
    }

    @Test func aFragmentWithoutATokenIsAlwaysRecorded() {
        var releases = AnswerReleases()
        #expect(releases.fresh([Self.event(nil, .failed(.malformed)), Self.event(nil, .failed(.malformed))]).count == 2)
    }
}

/// A remembering rehydrator looks each token up once per answer.
struct RehydrationMemoTests {
    /// A scheme that counts the tokens it is asked to restore.
    final class Counting: TokenScheme, @unchecked Sendable {
        let inner: ReversibleAEADScheme
        var asked = 0
        init(_ inner: ReversibleAEADScheme) { self.inner = inner }
        var id: TokenSchemeID { inner.id }
        func prepare(_ requests: [MintRequest]) throws(TokenMintError) -> MintedTokens { try inner.prepare(requests) }
        func submit(_ entries: [VaultEntry]) -> PendingWrite<VaultUnavailable> { inner.submit(entries) }
        func restore(_ tokens: [MaskToken]) async -> [Result<String, RehydrationFailure>] {
            asked += tokens.count
            return await inner.restore(tokens)
        }
    }

    @Test func aTokenDeliveredAgainIsNotLookedUpAgain() async throws {
        let aead = ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": testKey]))
        let good = try await aead.mint("415-555-2671", kind: .phone)
        let counting = Counting(aead)
        let rehydrator = Rehydrator(schemes: [counting]).remembering()
        for _ in 0..<4 { #expect(await rehydrator.rehydrate("call \(good)").text == "call 415-555-2671") }
        #expect(counting.asked == 1)
        // Without a memo, each delivery is looked up.
        _ = await Rehydrator(schemes: [counting]).rehydrate("\(good) \(good)")
        #expect(counting.asked == 3)
    }
}
