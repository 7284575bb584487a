@testable import MaskerCore
import Testing

/// Recognizers that start at an introducing phrase read where it may start from
/// `ScannedText.phraseStarts` (one table of every list's first words) rather than probing their
/// own list at every token. Both must find the same places.
struct TokenContextTests {
    let filler = Array(repeating: "the patient was seen today and reports feeling better overall", count: 6).joined(separator: " ")

    @Test(arguments: IntroducingPhrases.allCases)
    func phraseStartsAreWhereTheListsFirstWordsAre(_ list: IntroducingPhrases) {
        let words = list.phrases.firstWords
        let text = ScannedText((words + [filler] + words.reversed() + ["MRN", "Plate", "card"]).joined(separator: " "))
        // The same first words in a list that is not indexed: found by probing every token.
        let probed = ContextPhrases(words).possibleStarts(in: text)
        #expect(list.phrases.possibleStarts(in: text) == probed)
        #expect(probed.count >= 2 * words.count)
    }

    @Test func aTurnWithNoIntroducingWordHasNoStarts() {
        #expect(ScannedText("my number is four one five five five five two six seven one").phraseStarts.isEmpty)
        #expect(ScannedText("").phraseStarts.isEmpty)
    }

    @Test func identifiersAreFoundTheSameInALongTextAsTurnByTurn() {
        let pipeline = DetectionPipeline(policy: .healthcareDefault, tagger: nil)
        let turns = ["my mrn is 4827193", "member id is a b 1 2 3 4 5", "serial number SN-99812-X", "the chart number 55102938",
                     "license plate 7ABC123", "account number 4410 2291 87"]
        let short = turns.flatMap { pipeline.detect($0).filter { $0.pass == .regex }.map(\.text) }
        let long = pipeline.detect(turns.joined(separator: " " + filler + " ")).filter { $0.pass == .regex }.map(\.text)
        #expect(long == short)
        #expect(long.count == turns.count)
    }
}
