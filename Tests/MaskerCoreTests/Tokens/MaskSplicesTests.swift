import Foundation
import MaskerCore
import Testing

/// A call's history is masked again from its splices on every later turn (`CallHistory`), so
/// they must give back exactly the masked text they were taken from, and carry no PHI.
struct MaskSplicesTests {
    @Test func splicesMaskEveryDevsetLineAsTheMaskerDidByteForByte() async throws {
        struct Line: Decodable { var text: String }
        var policy = Policy.healthcareDefault
        policy.entities[.ssn]?.action = .passthrough // left as it is: no piece
        policy.entities[.email]?.action = .redact
        let scheme = ReversibleAEADScheme(kid: policy.kid, keyRing: keyRing(["MASKER_KEY_K_HEALTHCARE": testKey]))
        let pipeline = DetectionPipeline(policy: policy)
        let masker = Masker(policy: policy, scheme: scheme)
        var pieces = 0, passedThrough = 0
        for raw in try Fixture.repositoryText("data/devset/devset.jsonl").split(separator: "\n") {
            let text = try JSONDecoder().decode(Line.self, from: Data(raw.utf8)).text
            let result = try masker.prepare(text, detections: pipeline.detect(text)).result
            let splices = MaskSplices(result)
            #expect(Array(splices.apply(to: text).utf8) == Array(result.masked.utf8))
            // Only what was written in a span's place is kept, never the span's own text.
            let originals = Set(result.replacements.map(\.detection.text))
            #expect(splices.pieces.allSatisfy { !originals.contains($0.replacement) })
            pieces += splices.pieces.count
            passedThrough += result.replacements.filter { $0.action == .passthrough }.count
        }
        #expect(pieces > 300)
        #expect(passedThrough > 10)
    }

    @Test func piecesAreCountedInUnicodeScalars() throws {
        let text = "José 🙂 called from 415-555-2671 today"
        let phone = try #require(text.unicodeScalars.firstRange(of: "415-555-2671".unicodeScalars))
        let start = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: phone.lowerBound)
        let detection = Detection(pass: .regex, kind: .phone, start: start, end: start + 12, text: "415-555-2671", confidence: 1, recognizer: "test")
        var replacement = MaskReplacement(detection: detection, action: .redact)
        replacement.written = "[REDACTED:PHONE]"
        let splices = MaskSplices(MaskResult(masked: "", replacements: [replacement]))
        #expect(splices.apply(to: text) == "José 🙂 called from [REDACTED:PHONE] today")
        #expect(MaskSplices(MaskResult(masked: text, replacements: [])).apply(to: text) == text)
    }
}
