import Crypto
import Foundation
import MaskerCore
import Testing

struct KeyRingTests {
    static let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let otherKey = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()

    @Test func readsCurrentAndPreviousKeys() throws {
        let (ring, errors) = KeyRing.fromEnvironment([
            "MASKER_KEY_K_HEALTHCARE": Self.key,
            "MASKER_KEY_K_HEALTHCARE_OLD": Self.otherKey,
            "MASKER_KEY_ROTATION_GRACE_DAYS": "30",
            "PATH": "/usr/bin",
        ])
        #expect(errors.isEmpty)
        #expect(ring.kids == ["K_HEALTHCARE"])
        let current = try #require(ring.currentKey(for: "K_HEALTHCARE"))
        let previous = try #require(ring.previousKey(for: "K_HEALTHCARE"))
        #expect(current.withUnsafeBytes { Data($0) } == Data(base64Encoded: Self.key))
        #expect(previous.withUnsafeBytes { Data($0) } == Data(base64Encoded: Self.otherKey))
    }

    @Test func malformedKeysAreReportedByNameWithoutTheirValue() {
        let notBase64 = "this is not base64 but a secret-ish value!!"
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        let (ring, errors) = KeyRing.fromEnvironment([
            "MASKER_KEY_A": notBase64, "MASKER_KEY_B": short, "MASKER_KEY_C": Self.key,
        ])
        #expect(ring.kids == ["C"])
        #expect(errors == [.notBase64(variable: "MASKER_KEY_A"), .wrongLength(variable: "MASKER_KEY_B", bytes: 16)])
        for error in errors {
            #expect(!error.description.contains(notBase64))
            #expect(!error.description.contains(short))
            #expect(error.description.contains(error.variable))
        }
    }

    @Test func aTrailingNewlineIsTolerated() {
        let (ring, errors) = KeyRing.fromEnvironment(["MASKER_KEY_K": Self.key + "\n"])
        #expect(errors.isEmpty && ring.hasCurrentKey(for: "K"))
    }

    @Test func generatedKeysAreFreshAndDecode() {
        let a = KeyRing.generateEncodedKey(), b = KeyRing.generateEncodedKey()
        #expect(a != b)
        #expect(Data(base64Encoded: a)?.count == 32)
        if case .failure = KeyRing.decode(a, variable: "X") { Issue.record("generated key does not decode") }
    }

    @Test func theRingNeverDescribesKeyMaterial() {
        let (ring, _) = KeyRing.fromEnvironment(["MASKER_KEY_K": Self.key])
        #expect(!"\(ring)".contains(Self.key))
        #expect(!String(reflecting: ring).contains(Self.key))
    }

    @Test(arguments: ["K_HEALTHCARE", "k1", "A", String(repeating: "K", count: 64)])
    func acceptableKids(_ kid: String) {
        #expect(KeyID.problem(with: kid) == nil)
    }

    @Test(arguments: ["", "K-1", "K.1", "K 1", "KÉ", "K_OLD", String(repeating: "K", count: 65)])
    func unacceptableKids(_ kid: String) {
        #expect(KeyID.problem(with: kid) != nil)
    }

    @Test func keyChecksName_unknownKid_and_invalidKey() {
        let policy = Policy.healthcareDefault
        let location = SourcePosition(line: 10, column: 6)
        let missing = PolicyKeyCheck.issues(for: policy, kidLocation: location, keyRing: KeyRing(), keyErrors: [], devMode: false)
        #expect(missing.map(\.code) == [.unknownKid])
        #expect(missing.first?.location == location)
        let (ring, errors) = KeyRing.fromEnvironment(["MASKER_KEY_K_HEALTHCARE": "short"])
        let bad = PolicyKeyCheck.issues(for: policy, kidLocation: location, keyRing: ring, keyErrors: errors, devMode: false)
        #expect(bad.map(\.code) == [.invalidKey])
        let (good, _) = KeyRing.fromEnvironment(["MASKER_KEY_K_HEALTHCARE": Self.key])
        #expect(PolicyKeyCheck.issues(for: policy, kidLocation: location, keyRing: good, keyErrors: [], devMode: false).isEmpty)
        // Synthetic surrogates use no key: none is required, but a malformed one is still an error.
        var synthetic = policy
        synthetic.tokenization = .synthetic
        #expect(PolicyKeyCheck.issues(for: synthetic, kidLocation: location, keyRing: KeyRing(), keyErrors: [], devMode: false).isEmpty)
        #expect(PolicyKeyCheck.issues(for: synthetic, kidLocation: location, keyRing: ring, keyErrors: errors, devMode: false).map(\.code) == [.invalidKey])
    }
}
