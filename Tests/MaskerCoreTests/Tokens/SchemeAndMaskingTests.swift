import Crypto
import Foundation
import MaskerCore
import Testing

func keyRing(_ variables: [String: String]) -> KeyRing { KeyRing.fromEnvironment(variables).ring }

let testKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
let otherKey = Data((0..<32).map { UInt8(200 - $0) }).base64EncodedString()

struct ReversibleAEADSchemeTests {
    let scheme = ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": testKey]))

    @Test func roundTripsAnyText() async throws {
        for value in ["415-555-2671", "José Núñez 🙂", "", "a\nb", String(repeating: "x", count: 500)] {
            let token = try await scheme.mint(value, kind: .name)
            #expect(MaskToken.parse(token.description) == token)
            #expect(try await scheme.restore(token).get() == value)
        }
    }

    @Test func theSameValueGivesDifferentTokens() async throws {
        #expect(try await scheme.mint("sarah", kind: .name) != (try scheme.mint("sarah", kind: .name)))
    }

    @Test func aTamperedBodyOrMovedKindFailsToOpen() async throws {
        let token = try await scheme.mint("415-555-2671", kind: .phone)
        var flipped = token
        let first = flipped.body.first == "A" ? "B" : "A"
        flipped.body = first + flipped.body.dropFirst()
        #expect(await scheme.restore(flipped) == .failure(.tampered))
        var moved = token
        moved.kind = .ssn // the associated data binds the kind
        #expect(await scheme.restore(moved) == .failure(.tampered))
    }

    @Test func unknownKidsAndForeignKeysFail() async throws {
        var token = try await scheme.mint("x", kind: .phone)
        token.kid = "K2"
        #expect(await scheme.restore(token) == .failure(.unknownKid))
        let foreign = ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": otherKey]))
        #expect(await foreign.restore(try await scheme.mint("x", kind: .phone)) == .failure(.tampered))
    }

    @Test func theOldKeyStillRestoresAfterRotation() async throws {
        let before = try await scheme.mint("415-555-2671", kind: .phone)
        let rotated = ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": otherKey, "MASKER_KEY_K_OLD": testKey]))
        #expect(try await rotated.restore(before).get() == "415-555-2671")
    }

    @Test func mintingWithoutAKeyNamesTheKidNotAKey() async {
        let noKey = ReversibleAEADScheme(kid: "K_MISSING", keyRing: KeyRing())
        do {
            _ = try await noKey.mint("x", kind: .phone)
            Issue.record("expected missingKey")
        } catch {
            #expect(error == .missingKey(kid: "K_MISSING"))
            #expect(error.description.contains("MASKER_KEY_K_MISSING"))
        }
    }
}

struct MaskerTests {
    let text = "call (415) 555-2671 from 192.168.1.20 about José 🙂 SSN 219-45-6789"

    func maskedAndRestored(_ policy: Policy) async throws -> (MaskResult, String) {
        let scheme = ReversibleAEADScheme(kid: policy.kid, keyRing: keyRing(["MASKER_KEY_\(policy.kid)": testKey]))
        let detections = DetectionPipeline(policy: policy).detect(text)
        let result = try await Masker(policy: policy, scheme: scheme).mask(text, detections: detections)
        return (result, await Rehydrator(schemes: [scheme]).rehydrate(result.masked).text)
    }

    @Test func tokenizeRedactAndPassthrough() async throws {
        var policy = Policy.healthcareDefault
        policy.entities[.ssn]?.action = .passthrough
        let (result, restored) = try await maskedAndRestored(policy)
        #expect(!result.masked.contains("555-2671"))
        #expect(result.masked.contains("[REDACTED:IP_ADDRESS]"))         // IP_ADDRESS redacts by default
        #expect(result.masked.contains("219-45-6789"))                   // passthrough leaves it
        #expect(!result.masked.contains("José") && result.masked.contains(" 🙂")) // the NER pass's NAME
        #expect(result.replacements.map(\.action) == [.tokenize, .redact, .tokenize, .passthrough])
        // Redacted values are gone for good; everything else comes back.
        #expect(restored == text.replacingOccurrences(of: "192.168.1.20", with: "[REDACTED:IP_ADDRESS]"))
    }

    @Test func failsClosedWithoutAKey() async {
        let detections = DetectionPipeline(policy: .healthcareDefault).detect(text)
        let masker = Masker(policy: .healthcareDefault, scheme: ReversibleAEADScheme(kid: "K_HEALTHCARE", keyRing: KeyRing()))
        await #expect(throws: TokenMintError.self) { try await masker.mask(text, detections: detections) }
    }

    @Test func overlappingCallerSpansKeepTheFirst() async throws {
        let scheme = ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": testKey]))
        var policy = Policy.healthcareDefault
        policy.kid = "K"
        let spans = [
            Detection(pass: .regex, kind: .phone, start: 0, end: 4, text: "abcd", confidence: 1, recognizer: "t"),
            Detection(pass: .regex, kind: .phone, start: 2, end: 6, text: "cdef", confidence: 1, recognizer: "t"),
        ]
        let result = try await Masker(policy: policy, scheme: scheme).mask("abcdefgh", detections: spans)
        #expect(result.replacements.count == 1)
        #expect(await Rehydrator(schemes: [scheme]).rehydrate(result.masked).text == "abcdefgh")
    }
}

struct RehydratorTests {
    let scheme = ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": testKey]))

    @Test func unrestorableTokensBecomeRedactionMarkersNeverTokenText() async throws {
        let good = try await scheme.mint("415-555-2671", kind: .phone)
        var tampered = try await scheme.mint("sarah", kind: .name)
        tampered.body = String(tampered.body.reversed())
        let answer = "Sure \(good), and \(tampered). Also MSKV1.EMAIL.K.AAAA and MSK1.PHNOE.K.AAAA."
        let (text, events) = await Rehydrator(schemes: [scheme]).rehydrate(answer)
        #expect(text == "Sure 415-555-2671, and [REDACTED:NAME]. Also [REDACTED:EMAIL] and [REDACTED:UNKNOWN].")
        #expect(!text.contains("MSK"))
        #expect(events.map(\.outcome) == [.restored, .failed(.tampered), .failed(.unsupportedScheme), .failed(.malformed)])
    }

    /// Each event names the token it was for (`AnswerReleases` tells repeats apart by it).
    @Test func eachEventNamesItsToken() async throws {
        let good = try await scheme.mint("415-555-2671", kind: .phone)
        let (text, events) = await Rehydrator(schemes: [scheme]).rehydrate("call \(good) or \(good), not MSK1.PHNOE.K.AAAA")
        #expect(text == "call 415-555-2671 or 415-555-2671, not [REDACTED:UNKNOWN]")
        #expect(events.map(\.token) == ["\(good)", "\(good)", "MSK1.PHNOE.K.AAAA"])
    }

    @Test func textWithoutTokensIsUntouched() async {
        let text = "Nothing to see, MSK alone, and José 🙂"
        let result = await Rehydrator(schemes: [scheme]).rehydrate(text)
        #expect(result.text == text && result.events.isEmpty)
    }
}

/// SPEC section 4 round trip: for every labelled line, rehydrate(mask(text)) == text, byte for byte.
struct RoundTripTests {
    @Test(arguments: ["data/devset/devset.jsonl", "data/external/presidio-written.jsonl", "data/external/presidio-spoken.jsonl"])
    func maskThenRehydrateRestoresEveryLine(_ file: String) async throws {
        struct Line: Decodable { var text: String }
        var policy = Policy.healthcareDefault
        policy.entities[.ipAddress]?.action = .tokenize // redact is one-way by design
        let scheme = ReversibleAEADScheme(kid: policy.kid, keyRing: keyRing(["MASKER_KEY_K_HEALTHCARE": testKey]))
        let pipeline = DetectionPipeline(policy: policy)
        let masker = Masker(policy: policy, scheme: scheme)
        let rehydrator = Rehydrator(schemes: [scheme])
        var masked = 0
        for raw in try Fixture.repositoryText(file).split(separator: "\n") {
            let text = try JSONDecoder().decode(Line.self, from: Data(raw.utf8)).text
            let result = try await masker.mask(text, detections: pipeline.detect(text))
            masked += result.replacements.count
            // Every replaced value is gone from its place (the same word elsewhere, e.g. "song" in
            // "songs", may legitimately stay); the token count matches the replacements.
            #expect(TokenScanner.matches(in: result.masked).count == result.replacements.filter { $0.action == .tokenize }.count)
            let restored = await rehydrator.rehydrate(result.masked)
            #expect(Array(restored.text.utf8) == Array(text.utf8), "\(file)")
            #expect(restored.events.allSatisfy { $0.outcome == .restored })
        }
        #expect(masked > 100)
    }
}
