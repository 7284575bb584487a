import Foundation
import MaskerCore
import MaskerStore
import Testing

/// One suite, every store: the behaviour `VaultStore` promises, run against memory, SQLite and a
/// real PostgreSQL server (SPEC section 4, issue 5: "the same test suite runs against both").
@Suite(.serialized) struct VaultStoreContractTests {
    static let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let ring = KeyRing.fromEnvironment(["MASKER_KEY_K": key]).ring

    @Test(arguments: StoreKind.allCases)
    func storesAndReadsBackEveryField(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            // Binary fields with zero bytes and high bytes, a non-ASCII scope-free entry.
            let stored = entry("MSKV1.EMAIL.K.AAAA", kind: .email, ciphertext: [0, 255, 0, 128, 7], subject: [0, 1, 254], at: 1_800_000_000.5)
            try await vault.store.insert([stored, entry("MSKV1.PHONE.K.BBBB")])
            let found = try await vault.store.entries(forTokens: ["MSKV1.EMAIL.K.AAAA", "MSKV1.PHONE.K.BBBB", "MSKV1.PHONE.K.NONE"])
            #expect(found.count == 2)
            let read = try #require(found["MSKV1.EMAIL.K.AAAA"])
            #expect(read.token == stored.token && read.kind == .email && read.kid == "K" && read.scope == "s")
            #expect(read.ciphertext == stored.ciphertext && read.subjectHash == stored.subjectHash)
            // PostgreSQL keeps microseconds, SQLite milliseconds: the instant survives to the millisecond.
            #expect(abs(read.createdAt.timeIntervalSince(stored.createdAt)) < 0.001)
            #expect(try await vault.store.entry(forToken: "MSKV1.PHONE.K.NONE") == nil)
            let reopened = try await vault.reopen()
            #expect(try await reopened.entry(forToken: "MSKV1.PHONE.K.BBBB")?.ciphertext == [1, 2, 3])
            if reopened as AnyObject !== vault.store as AnyObject { await reopened.close() }
        }
    }

    /// `submit` starts the write and returns; the entries are readable once its `wait()` returns,
    /// however many writes were started together (the SQLite store commits them as one group).
    @Test(arguments: StoreKind.allCases)
    func submittedWritesAreStoredWhenWaitedFor(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            let writes = (0..<8).map { vault.store.submit([entry("MSKV1.PHONE.K.S\($0)", ciphertext: [UInt8($0)])]) }
            for write in writes { try await write.wait() }
            for write in writes { #expect(write.elapsed != nil) }
            #expect(try await vault.store.count(.all) == 8)
            #expect(try await vault.store.entry(forToken: "MSKV1.PHONE.K.S7")?.ciphertext == [7])
            try await vault.store.submit([]).wait() // nothing to store: already done
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theFirstWriterOfATokenWins(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            try await vault.store.insert([entry("MSKV1.PHONE.K.SAME", ciphertext: [1])])
            try await vault.store.insert([entry("MSKV1.PHONE.K.SAME", ciphertext: [2]), entry("MSKV1.PHONE.K.NEW", ciphertext: [3])])
            #expect(try await vault.store.entry(forToken: "MSKV1.PHONE.K.SAME")?.ciphertext == [1])
            #expect(try await vault.store.entry(forToken: "MSKV1.PHONE.K.NEW")?.ciphertext == [3])
            // A batch naming one token twice stores it once.
            try await vault.store.insert([entry("MSKV1.PHONE.K.TWICE", ciphertext: [4]), entry("MSKV1.PHONE.K.TWICE", ciphertext: [5])])
            #expect(try await vault.store.count(.all) == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentWritersOfOneValueLeaveOneRowAndOneToken(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            let store = vault.store
            // 16 replicas' turns at once, each with the shared value among values of its own, in
            // different orders: one row for the shared value, no deadlock, nothing lost.
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        let scheme = VaultDeterministicScheme(kid: "K", keyRing: Self.ring, store: store, scope: "call-1")
                        var requests = (0..<5).map { MintRequest("writer\(writer)-\($0)@example.org", kind: .email) }
                        requests.insert(MintRequest(writer.isMultiple(of: 2) ? "415-555-2671" : "four one five five five five two six seven one",
                                                    kind: .phone), at: writer % 6)
                        let minted = try await scheme.mint(requests)
                        return minted[writer % 6].description
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(try await store.count(.all) == 16 * 5 + 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func statsCountByKindAndSpanTheDates(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            let empty = try await vault.store.stats()
            #expect(empty.entries == 0 && empty.oldest == nil)
            try await vault.store.insert([entry("MSKV1.PHONE.K.A", at: 1_800_000_000), entry("MSKV1.PHONE.K.B", at: 1_800_000_100),
                                          entry("MSKV1.SSN.K.C", kind: .ssn, at: 1_800_000_200)])
            let stats = try await vault.store.stats()
            #expect(stats.entries == 3)
            #expect(stats.byKind == [.init(kind: "PHONE", count: 2), .init(kind: "SSN", count: 1)])
            #expect(stats.oldest.map { abs($0.timeIntervalSince1970 - 1_800_000_000) < 0.001 } == true)
            #expect(stats.newest.map { abs($0.timeIntervalSince1970 - 1_800_000_200) < 0.001 } == true)
            #expect(stats.storedBytes > 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func countsAndPurgesBySelection(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            let store = vault.store
            try await store.insert([
                entry("MSKV1.PHONE.K.OLD", subject: [1], at: 1_700_000_000), entry("MSKV1.PHONE.K.NEW", subject: [2], at: 1_900_000_000),
                entry("MSKV1.EMAIL.K.SUBJ", kind: .email, subject: [3], at: 1_900_000_000),
                entry("MSKV1.PHONE.K2.OTHER", kid: "K2", subject: [3], at: 1_900_000_000),
            ])
            let cutoff = Date(timeIntervalSince1970: 1_800_000_000)
            #expect(try await store.count(.createdBefore(cutoff)) == 1)
            #expect(try await store.count(.subjects([[3]])) == 2)
            #expect(try await store.count(.subjects([])) == 0)
            #expect(try await store.count(.kid("K2")) == 1)
            #expect(try await store.purge(.createdBefore(cutoff)) == 1)
            #expect(try await store.entry(forToken: "MSKV1.PHONE.K.OLD") == nil)
            #expect(try await store.purge(.subjects([[3], [99]])) == 2)
            #expect(try await store.purge(.subjects([[3]])) == 0)
            #expect(try await store.count(.all) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rekeyingIsAllOrNothing(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            let store = vault.store
            try await store.insert([entry("MSKV1.PHONE.K.A", ciphertext: [1]), entry("MSKV1.PHONE.K.B", ciphertext: [2]),
                                    entry("MSKV1.PHONE.OTHER.C", kid: "OTHER", ciphertext: [3])])
            let refused = try await store.rekey(from: "K") { $0.token.hasSuffix(".B") ? nil : Self.moved($0) }
            #expect(refused == (0, 1))
            #expect(try await store.count(.kid("K")) == 2)
            let done = try await store.rekey(from: "K") { Self.moved($0) }
            #expect(done == (2, 0))
            #expect(try await store.count(.kid("K")) == 0)
            #expect(try await store.entry(forToken: "MSKV1.PHONE.K.A") == Self.moved(entry("MSKV1.PHONE.K.A", ciphertext: [1])))
            #expect(try await store.entry(forToken: "MSKV1.PHONE.OTHER.C")?.ciphertext == [3])
            #expect(try await store.rekey(from: "NOBODY") { _ in nil } == (0, 0))
        }
    }

    @Sendable static func moved(_ entry: VaultEntry) -> VaultEntry {
        var moved = entry
        moved.kid = "K9"
        moved.ciphertext = entry.ciphertext + [42]
        moved.subjectHash = [7]
        return moved
    }

    @Test(arguments: StoreKind.allCases)
    func forEachEntryVisitsEveryEntryInTokenOrderAcrossPages(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            let tokens = (0..<1_234).map { String(format: "MSKV1.PHONE.K.T%05d", ($0 * 7_919) % 1_234) }
            for batch in stride(from: 0, to: tokens.count, by: 200) {
                try await vault.store.insert(tokens[batch..<min(batch + 200, tokens.count)].map { entry($0) })
            }
            var seen: [String] = []
            try await vault.store.forEachEntry { seen.append($0.token) }
            #expect(seen == tokens.sorted())
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theVaultSchemeRoundTripsAndErasureIsPermanent(_ kind: StoreKind) async throws {
        try await TestVault.with(kind) { vault in
            let scheme = VaultDeterministicScheme(kid: "K", keyRing: Self.ring, store: vault.store, scope: "call")
            let spoken = "four one five five five five two six seven one"
            let tokens = try await scheme.mint([MintRequest(spoken, kind: .phone), MintRequest("Søren Ødegård", kind: .name)])
            let other = try await vault.reopen()
            // The store keeps each entry's scope: another scope's reader finds nothing.
            #expect(await VaultDeterministicScheme(kid: "K", keyRing: Self.ring, store: other, scope: "another-call").restore(tokens[0])
                == .failure(.unknownToken))
            let later = VaultDeterministicScheme(kid: "K", keyRing: Self.ring, store: other, scope: "call")
            #expect(try await later.restore(tokens[0]).get() == spoken)
            #expect(try await later.restore(tokens[1]).get() == "Søren Ødegård")
            let hash = VaultDeterministicScheme.subjectHash(ValueNormalizer.normalize("(415) 555-2671", kind: .phone), kind: .phone,
                                                            key: try #require(Self.ring.currentKey(for: "K")))
            #expect(try await vault.store.purge(.subjects([hash])) == 1)
            #expect(await later.restore(tokens[0]) == .failure(.unknownToken))
            #expect(try await later.restore(tokens[1]).get() == "Søren Ødegård")
            if other as AnyObject !== vault.store as AnyObject { await other.close() }
        }
    }
}
