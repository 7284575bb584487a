import Foundation
@testable import MaskerCore
import Testing

struct ValueNormalizerTests {
    @Test func oneValueHoweverItIsSaidOrWritten() async {
        let phones = ["415-555-2671", "(415) 555 2671", "+1 415.555.2671", "four one five five five five two six seven one",
                      "four one five, double five five, two six seven one"]
        #expect(Set(phones.map { ValueNormalizer.normalize($0, kind: .phone) }) == ["+14155552671"])
        #expect(ValueNormalizer.normalize("219-45-6789", kind: .ssn) == ValueNormalizer.normalize("two one nine four five six seven eight nine", kind: .ssn))
        #expect(ValueNormalizer.normalize("Sarah.Chen@Gmail.com", kind: .email) == ValueNormalizer.normalize("sarah dot chen at gmail dot com", kind: .email))
        #expect(ValueNormalizer.normalize("Sarah  CHEN", kind: .name) == "sarah chen")
        #expect(ValueNormalizer.normalize("1EG4-TE5-MK73", kind: .healthPlan) == "1EG4TE5MK73")
    }

    /// Detection keeps only a prefix of very long tokens; normalised values must still use every
    /// character, or two different values would share one token.
    @Test func longValuesDifferingPastTheTokenPrefixStayDifferent() {
        let stem = "portal.example.com/" + String(repeating: "a", count: 40)
        #expect(ValueNormalizer.normalize(stem + "1", kind: .url) != ValueNormalizer.normalize(stem + "2", kind: .url))
        #expect(ValueNormalizer.normalize(stem + "1", kind: .url) == (stem + "1"))
        let id = String(repeating: "7", count: 40)
        #expect(ValueNormalizer.normalize(id + "1", kind: .account) != ValueNormalizer.normalize(id + "2", kind: .account))
    }

    @Test(arguments: ["April 12, 1990", "4/12/1990", "1990-04-12", "april twelfth nineteen ninety", "12 April 1990", "the twelfth of april nineteen ninety"])
    func datesBecomeISO(_ date: String) async {
        #expect(ValueNormalizer.normalize(date, kind: .dob) == "1990-04-12")
    }
}

struct VaultDeterministicSchemeTests {
    let ring = keyRing(["MASKER_KEY_K": testKey])

    func scheme(_ store: InMemoryVaultStore, scope: String = "call-1", ring: KeyRing? = nil) -> VaultDeterministicScheme {
        VaultDeterministicScheme(kid: "K", keyRing: ring ?? self.ring, store: store, scope: scope)
    }

    @Test func oneTokenPerValueWithinAScopeAndTheFirstSurfaceTextIsRestored() async throws {
        let store = InMemoryVaultStore()
        let vault = scheme(store)
        let spoken = try await vault.mint("four one five, five five five, two six seven one", kind: .phone)
        let written = try await vault.mint("(415) 555-2671", kind: .phone)
        #expect(spoken == written)
        #expect(spoken.description.hasPrefix("MSKV1.PHONE.K."))
        #expect(Base32.decode(spoken.body)?.count == 16)
        #expect(store.count == 1)
        #expect(try await vault.restore(written).get() == "four one five, five five five, two six seven one")
    }

    /// A value gets the same token every time under one key, kid and scope (so a value the
    /// caller repeats is one vault row), and another under any other key.
    @Test func valuesGetTheSameTokensUnderOneKeyAndOthersUnderAnother() throws {
        let vault = scheme(InMemoryVaultStore())
        let requests = [MintRequest("415-555-2671", kind: .phone), MintRequest("536-22-1234", kind: .ssn)]
        let stored = try vault.prepare(requests)
        let again = try vault.prepare(requests)
        #expect(again.tokens == stored.tokens)
        #expect(stored.entries.count == 2 && again.entries.map(\.token) == stored.entries.map(\.token))
        let otherRing = keyRing(["MASKER_KEY_K": Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()])
        let other = try scheme(InMemoryVaultStore(), ring: otherRing).prepare(requests)
        #expect(other.tokens != stored.tokens)
    }

    /// Tokens and subject hashes are stored: a vault written by one version must be read by the
    /// next, and `vault purge --subject` must find old rows. So the bytes of both are pinned for a
    /// fixed key (figures from the code as of 2026-12-06); a change in how they are computed fails
    /// here rather than orphaning every stored row.
    @Test func tokensAndSubjectHashesKeepTheirBytesAcrossVersions() throws {
        let vault = scheme(InMemoryVaultStore())
        let minted = try vault.prepare([MintRequest("415-555-2671", kind: .phone), MintRequest("Sarah Chen", kind: .name)])
        #expect(minted.tokens.map(\.description) == ["MSKV1.PHONE.K.CUIU6NDMI57CUTD7SUE7FE3GVA", "MSKV1.NAME.K.FL3HHP7XDOUDTQ6B4TSQBPKRVQ"])
        #expect(minted.entries.map { Data($0.subjectHash).hexString } == ["8845314dfbef9fd119fec91d02651b433df90933eee875c80917e10b98add19e", "f19d152a1cc295da0d0c4872953ec10f12fd9e56eaad75f206b07eedaf13ce61"])
        let key = try #require(ring.currentKey(for: "K"))
        #expect(Data(VaultDeterministicScheme.subjectHash("+14155552671", kind: .phone, key: key)).hexString == "8845314dfbef9fd119fec91d02651b433df90933eee875c80917e10b98add19e")
    }

    @Test func scopesAndKindsSeparateTokens() async throws {
        let store = InMemoryVaultStore()
        let first = try await scheme(store, scope: "call-1").mint("415-555-2671", kind: .phone)
        let second = try await scheme(store, scope: "call-2").mint("415-555-2671", kind: .phone)
        let asFax = try await scheme(store, scope: "call-1").mint("415-555-2671", kind: .fax)
        #expect(first.body != second.body && first.body != asFax.body)
        // A token restores in its own scope only; anywhere else it is exactly an unknown token
        // (another session, another account: `TokenScopes`).
        #expect(try await scheme(store, scope: "call-2").restore(second).get() == "415-555-2671")
        #expect(await scheme(store, scope: "other").restore(second) == .failure(.unknownToken))
        #expect(await scheme(store, scope: "call-1").restore(second) == .failure(.unknownToken))
    }

    @Test func unknownForgedAndRotatedTokens() async throws {
        let store = InMemoryVaultStore()
        let vault = scheme(store)
        let token = try await vault.mint("219-45-6789", kind: .ssn)
        var forged = token
        forged.body = Base32.encode([UInt8](repeating: 7, count: 16))
        #expect(await vault.restore(forged) == .failure(.unknownToken))
        var otherKid = token
        otherKid.kid = "K2"
        #expect(await vault.restore(otherKid) == .failure(.unknownKid))
        let rotated = scheme(store, ring: keyRing(["MASKER_KEY_K": otherKey, "MASKER_KEY_K_OLD": testKey]))
        #expect(try await rotated.restore(token).get() == "219-45-6789")
        let foreign = scheme(store, ring: keyRing(["MASKER_KEY_K": otherKey]))
        #expect(await foreign.restore(token) == .failure(.tampered))
    }

    @Test func nothingReadableIsStored() async throws {
        let store = InMemoryVaultStore()
        let token = try await scheme(store).mint("sarah.chen@gmail.com", kind: .email)
        let entry = try #require(try await store.entry(forToken: token.description))
        let stored = Data(entry.ciphertext + entry.subjectHash)
        #expect(stored.range(of: Data("sarah".utf8)) == nil)
        #expect(entry.subjectHash == VaultDeterministicScheme.subjectHash("sarah.chen@gmail.com", kind: .email, key: ring.currentKey(for: "K")!))
    }

    /// One value, one token: a value said twice in different forms ("haddad … h a d d a d", "Sarah …
    /// sarah") comes back both times as the form first stored. Everything else comes back as it was.
    static func expectedRestoration(_ text: String, _ result: MaskResult) -> String {
        var firstForm: [String: String] = [:]
        var scalars = Array(text.unicodeScalars)
        let tokenized = result.replacements.filter { $0.action == .tokenize }
        for replacement in tokenized.sorted(by: { $0.detection.start < $1.detection.start }) {
            let key = replacement.detection.kind.rawValue + "|" + ValueNormalizer.normalize(replacement.detection.text, kind: replacement.detection.kind)
            if firstForm[key] == nil { firstForm[key] = replacement.detection.text }
        }
        for replacement in tokenized.sorted(by: { $0.detection.start > $1.detection.start }) {
            let key = replacement.detection.kind.rawValue + "|" + ValueNormalizer.normalize(replacement.detection.text, kind: replacement.detection.kind)
            scalars.replaceSubrange(replacement.detection.start..<replacement.detection.end, with: Array(firstForm[key]!.unicodeScalars))
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    @Test func theDevelopmentSetRoundTripsThroughTheVault() async throws {
        struct Line: Decodable { var text: String }
        var policy = Policy.healthcareDefault
        policy.kid = "K"
        policy.entities[.ipAddress]?.action = .tokenize
        let store = InMemoryVaultStore()
        let pipeline = DetectionPipeline(policy: policy)
        for (number, raw) in try Fixture.repositoryText("data/devset/devset.jsonl").split(separator: "\n").enumerated() {
            let text = try JSONDecoder().decode(Line.self, from: Data(raw.utf8)).text
            let vault = scheme(store, scope: "line-\(number)")
            let result = try await Masker(policy: policy, scheme: vault).mask(text, detections: pipeline.detect(text))
            #expect(await Rehydrator(schemes: [vault]).rehydrate(result.masked).text == Self.expectedRestoration(text, result))
        }
        #expect(store.count > 300)
    }
}

/// The written-form shortcut must never change a token: for every labelled span of the three sets,
/// the shortcut (where it applies) gives what the general path gives.
struct ValueNormalizerShortcutTests {
    @Test func theShortcutAgreesWithTheGeneralPathOnEveryLabelledSpan() throws {
        struct Span: Decodable { var kind: String; var start: Int; var end: Int }
        struct Line: Decodable { var text: String; var spans: [Span]? }
        var compared = 0
        for file in ["data/devset/devset.jsonl", "data/external/presidio-written.jsonl", "data/external/presidio-spoken.jsonl"] {
            for raw in try Fixture.repositoryText(file).split(separator: "\n") {
                let line = try JSONDecoder().decode(Line.self, from: Data(raw.utf8))
                let scalars = Array(line.text.unicodeScalars)
                for span in line.spans ?? [] {
                    guard let kind = EntityKind(rawValue: span.kind), span.end <= scalars.count else { continue }
                    let value = String(String.UnicodeScalarView(scalars[span.start..<span.end]))
                    // Every single word of the value too, so written pieces of spoken values count.
                    for candidate in [value] + value.split(separator: " ").map(String.init) {
                        guard let quick = ValueNormalizer.writtenForm(candidate, kind: kind) else { continue }
                        #expect(quick == ValueNormalizer.spokenOrMixed(candidate, kind: kind), "\(kind) \(file)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 100)
    }
}
