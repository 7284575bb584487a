import MaskerCore
import Testing

struct RepeatedValuesTests {
    static func found(_ text: String, _ kind: EntityKind, in whole: String, confidence: Double = 0.9) -> Detection {
        let scalars = Array(whole.unicodeScalars), needle = Array(text.unicodeScalars)
        let start = (0...(scalars.count - needle.count)).first { Array(scalars[$0..<($0 + needle.count)]) == needle }!
        return Detection(pass: .gemma, kind: kind, start: start, end: start + needle.count, text: text, confidence: confidence, recognizer: "ner")
    }

    static func repeats(of detections: [Detection], in text: String, besides existing: [Detection] = []) -> [String] {
        var values = RepeatedValues()
        values.add(detections)
        return values.repeats(in: text, besides: existing).map(\.text)
    }

    @Test func aWholeValueRepeatsInAnyCaseAtWordBoundaries() {
        let name = Self.found("priya reyes", .name, in: "this is priya reyes")
        #expect(Self.repeats(of: [name], in: "You said: this is Priya Reyes, and PRIYA REYES again") == ["Priya Reyes", "PRIYA REYES"])
        #expect(Self.repeats(of: [name], in: "priya reyesford is someone else").isEmpty)
        let id = Self.found("zx4471", .healthPlan, in: "member id zx4471")
        #expect(Self.repeats(of: [id], in: "ZX4471 got it; zx44712 is longer") == ["ZX4471"])
    }

    @Test func aNamesWordsAndOneWordValuesRepeatOnlyWhereCapitalised() {
        let name = Self.found("Will May", .name, in: "I'm Will May")
        #expect(Self.repeats(of: [name], in: "Thanks, Will. We will call in may, May.") == ["Will", "May"])
        let word = Self.found("battery", .address, in: "battery park")
        #expect(Self.repeats(of: [word], in: "the battery is low at Battery").count == 1)
    }

    @Test func shortValuesAndSpansAlreadyFoundAreLeftAlone() {
        let short = Self.found("Al", .name, in: "Al")
        #expect(Self.repeats(of: [short], in: "Al and Al").isEmpty)
        let digits = Self.found("123", .otherID, in: "123")
        #expect(Self.repeats(of: [digits], in: "123 and 123").isEmpty)
        let name = Self.found("priya reyes", .name, in: "this is priya reyes")
        let text = "priya reyes and priya reyes"
        let first = Self.found("priya reyes", .name, in: text)
        let again = Self.repeats(of: [name], in: text, besides: [first])
        #expect(again == ["priya reyes"])
        var values = RepeatedValues()
        values.add(name)
        let echo = values.repeats(in: text, besides: [first])
        #expect(echo.first?.start == 16 && echo.first?.kind == .name && echo.first?.recognizer == "repeat")
        #expect(echo.first?.confidence == name.confidence && echo.first?.pass == name.pass)
    }

    @Test func thePipelineMasksASecondMentionItsRecognizersMissed() {
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        let text = "my member id is zx4471. again, zx4471"
        let found = pipeline.detect(text).map(\.text)
        #expect(found == ["zx4471", "zx4471"], "\(found)")
    }
}
