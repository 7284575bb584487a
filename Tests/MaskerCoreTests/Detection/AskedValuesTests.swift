import MaskerCore
import Testing

struct AskedValuesTests {
    @Test func theQuestionIsTheLineLastSentenceWhenItAsksOne() {
        #expect(AskedValues.question(endingLine: "Thanks, Maria. Can you confirm your member id?  ") == "Can you confirm your member id?")
        #expect(AskedValues.question(endingLine: "And your date of birth?") == "And your date of birth?")
        #expect(AskedValues.question(endingLine: "I have booked you in.") == nil)
        #expect(AskedValues.question(endingLine: "???") == nil)
        #expect(AskedValues.question(endingLine: "") == nil)
    }

    @Test func anAnswerIsReadWithItsQuestionAndKeepsOnlyWhatIsInIt() throws {
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        let answer = "Yes, it is W987654321."
        #expect(pipeline.detect(answer).isEmpty) // alone, nothing says what it is
        let found = AskedValues.answered("Can you confirm your member id?", answer) { pipeline.detect($0, gemma: []) }
        let detection = try #require(found.first)
        #expect(found.count == 1 && detection.kind == .healthPlan && detection.text == "W987654321")
        #expect(Array(answer.unicodeScalars)[detection.start..<detection.end].map(String.init).joined() == "W987654321")
        // Only the answer's opening is read again, cut at a space: a long message is not read twice.
        let long = answer + String(repeating: " and then some more words", count: 40) + " W123456789"
        let opening = AskedValues.answered("Can you confirm your member id?", long) { text in
            #expect(text.unicodeScalars.count <= "Can you confirm your member id?".unicodeScalars.count + 1 + 160)
            return pipeline.detect(text, gemma: [])
        }
        #expect(opening.map(\.text) == ["W987654321"])
        // A question that asks for nothing lends nothing.
        #expect(AskedValues.answered("How are you today?", answer) { pipeline.detect($0, gemma: []) }.isEmpty)
    }
}
