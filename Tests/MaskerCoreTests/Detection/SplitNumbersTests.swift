import MaskerCore
import Testing

/// A number said across two texts is found in both.
struct SplitNumbersTests {
    let pipeline = DetectionPipeline(policy: .healthcareDefault)

    @Test func aPhoneSaidAcrossTwoTurnsIsCutIntoASpanOfEach() throws {
        let first = "my number is four one five five five five", second = "two six seven one"
        #expect(SplitNumbers.mayJoin(first, second))
        let (head, tail) = SplitNumbers.crossing(first, second) { pipeline.detect($0) }
        let a = try #require(head.first), b = try #require(tail.first)
        #expect(a.kind == .phone && b.kind == .phone)
        #expect(a.text == "four one five five five five" && a.end == first.count)
        #expect(b.text == "two six seven one" && b.start == 0)
    }

    @Test func writtenDigitsToo() throws {
        let (head, tail) = SplitNumbers.crossing("call 415 555", "2671 thanks") { pipeline.detect($0) }
        #expect(head.first?.text == "415 555" && tail.first?.text == "2671")
    }

    @Test func onlyNumbersJoin() {
        #expect(!SplitNumbers.mayJoin("my number is four one five", "thanks"))
        #expect(!SplitNumbers.mayJoin("that is all.", "two six seven one"))
        #expect(!SplitNumbers.mayJoin("hello", "415"))
    }

    @Test func mergeReplacesWhatTheJoinCovers() {
        let old = Detection(pass: .regex, kind: .otherID, start: 0, end: 4, text: "", confidence: 0.5, recognizer: "x")
        let new = Detection(pass: .regex, kind: .phone, start: 2, end: 9, text: "", confidence: 0.9, recognizer: "y")
        let kept = Detection(pass: .regex, kind: .name, start: 12, end: 15, text: "", confidence: 0.9, recognizer: "z")
        #expect(SplitNumbers.merge([old, kept], [new]).map(\.kind) == [.phone, .name])
    }
}
