import MaskerCore
import Testing

/// PHI in other code points is found, and reported on the original text.
struct DetectionTextTests {
    let pipeline = DetectionPipeline(policy: .healthcareDefault)

    @Test func plainTextIsReadAsItIs() {
        let text = DetectionText("call 415-555-2671\tnow\n")
        #expect(!text.isNormalized && text.text == "call 415-555-2671\tnow\n")
    }

    @Test func compatibilityFormsFormatAndControlCharactersAreNormalised() {
        let text = DetectionText("４１５-５５５\u{200B}-２６７１ a\u{0}b 1\u{0}2 e\u{00AD}f")
        #expect(text.text == "415-555-2671 a b 12 ef")
        // Spans map back onto the original scalars, whatever was dropped between them.
        #expect(text.originalSpan(0, 12) == (0, 13))
        #expect(text.normalizedSpan(0, 13) == (0, 12))
    }

    @Test(arguments: [
        ("call me at ４１５-５５５-２６７１", EntityKind.phone, "４１５-５５５-２６７１"),
        ("my ssn is 536\u{200D}-22-1234 ok", .ssn, "536\u{200D}-22-1234"),
        ("ssn 536\u{0}22\u{0}1234 ok", .ssn, "536\u{0}22\u{0}1234"),
        ("write to sarah.chen\u{00AD}@gmail.com today", .email, "sarah.chen\u{00AD}@gmail.com"),
        ("call \u{202E}415-555-2671\u{202C} now", .phone, "415-555-2671"),
    ])
    func disguisedIdentifiersAreFoundOnTheOriginal(_ text: String, _ kind: EntityKind, _ expected: String) throws {
        let detections = pipeline.detect(text)
        let found = try #require(detections.first { $0.kind == kind }, "\(detections)")
        #expect(found.text == expected || found.text.contains(expected))
        #expect(Array(text.unicodeScalars)[found.start..<found.end].map(String.init).joined() == found.text)
    }

    @Test func theSameValueGetsTheSameNormalisedFormInAnyDisguise() {
        #expect(ValueNormalizer.normalize("４１５-５５５-２６７１", kind: .phone) == ValueNormalizer.normalize("415-555-2671", kind: .phone))
        #expect(ValueNormalizer.normalize("536\u{200D}-22-1234", kind: .ssn) == ValueNormalizer.normalize("536-22-1234", kind: .ssn))
    }
}
