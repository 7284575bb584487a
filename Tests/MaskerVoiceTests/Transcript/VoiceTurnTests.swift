import MaskerCore
import MaskerVoice
import Testing

struct VoiceTurnTests {
    static func word(_ text: String, _ start: Double, _ end: Double, _ speaker: Speaker) -> SpokenWord {
        SpokenWord(RecognizedWord(text: text, start: start, end: end), speaker: speaker)
    }

    @Test func turnsBreakAtSpeakerChangesAndPausesAndMapSpansToAudioTime() {
        let words = [
            Self.word("hello", 0.0, 0.4, .agent), Self.word("there", 0.45, 0.8, .agent),
            Self.word("hi", 1.0, 1.2, .caller), Self.word("sarah", 1.25, 1.6, .caller), Self.word("chen", 1.65, 2.0, .caller),
            Self.word("again", 3.5, 3.9, .caller),
        ]
        let turns = VoiceTurn.turns(words)
        #expect(turns.map(\.speaker) == [.agent, .caller, .caller])
        #expect(turns.map(\.text) == ["hello there", "hi sarah chen", "again"])
        #expect(turns[1].wordRanges == [0..<2, 3..<8, 9..<13])
        let name = turns[1].audioRange(ofScalars: 3..<13)
        #expect(name?.start == 1.25 && name?.end == 2.0)
        #expect(turns[1].audioRange(ofScalars: 5..<6)?.start == 1.25, "a span inside a word is that word's time")
        #expect(turns[1].audioRange(ofScalars: 20..<30) == nil)
        #expect(VoiceTurn.turns([]).isEmpty)
    }

    @Test func channelMapsAreReadOrRefused() {
        #expect(ChannelMap("caller,agent") == .callerFirst)
        #expect(ChannelMap("Agent, Caller") == ChannelMap(first: .agent, second: .caller))
        #expect(ChannelMap("left,right") == nil && ChannelMap("caller,caller") == nil && ChannelMap("caller") == nil)
    }
}
