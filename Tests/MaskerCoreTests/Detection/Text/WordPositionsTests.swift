@testable import MaskerCore
import Testing

/// Long texts find context phrases through `WordPositions`; short ones by probing every token.
/// Both must find the same places.
struct WordPositionsTests {
    let filler = Array(repeating: "the patient was seen today and reports feeling better overall", count: 12).joined(separator: " ")

    @Test func everyOccurrenceIsFoundInOrder() throws {
        let text = ScannedText("mrn one " + filler + " chart mrn two " + filler + " mrn")
        #expect(text.tokens.count >= WordPositions.minimumTokens)
        let positions = try #require(text.wordPositions)
        var found: [Int] = []
        positions.forEach(TokenText("mrn"), in: text.tokens) { found.append($0) }
        #expect(found == text.tokens.indices.filter { text.tokens[$0].text == "mrn" })
        #expect(found.count == 3)
        var none: [Int] = []
        positions.forEach(TokenText("zebra"), in: text.tokens) { none.append($0) }
        #expect(none.isEmpty)
    }

    @Test func shortTurnsGoWithout() {
        #expect(ScannedText("my mrn is 4827193").wordPositions == nil)
    }

    @Test func identifiersAfterPhrasesAreFoundTheSameInLongAndShortTexts() {
        let pipeline = DetectionPipeline(policy: .healthcareDefault, tagger: nil)
        let turns = ["my mrn is 4827193", "member id is a b 1 2 3 4 5", "serial number SN-99812-X", "the chart number 55102938"]
        let short = turns.map { pipeline.detect($0).filter { $0.pass == .regex }.map(\.text) }
        let long = pipeline.detect(turns.joined(separator: " " + filler + " ")).filter { $0.pass == .regex }.map(\.text)
        #expect(long == short.flatMap { $0 })
        #expect(long.count == 4)
    }
}
