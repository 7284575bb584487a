import MaskerCore
import MaskerVoice
import Testing

/// A recogniser that hears one word wherever a channel has sound, for testing attribution.
struct OneWordPerPiece: SpeechRecognizer {
    let name = "test"
    func recognize(_ audio: MonoAudio) async throws(RecognitionError) -> [RecognizedWord] {
        SpeechSegments.find(in: audio).map { piece in
            RecognizedWord(text: "word", start: Double(piece.lowerBound) / 16_000 + 0.15, end: Double(piece.upperBound) / 16_000 - 0.15)
        }
    }
}

struct ChannelDiarizerTests {
    /// The caller speaks first on the left, the agent after on the right; each channel carries the
    /// other 30 dB down. Each side's words are theirs, once: the echo is not a second speaker.
    @Test func eachChannelIsItsSpeakerAndTheEchoIsDropped() async throws {
        let quiet = [Int16](repeating: 0, count: 16_000)
        let caller = quiet + tone(seconds: 1) + quiet + [Int16](repeating: 0, count: 16_000) + quiet
        let agent = quiet + [Int16](repeating: 0, count: 16_000) + quiet + tone(seconds: 1, frequency: 300) + quiet
        let left = zip(caller, agent).map { Int16(Int($0) + Int($1) / 32) }, right = zip(agent, caller).map { Int16(Int($0) + Int($1) / 32) }
        let audio = WAVAudio(sampleRate: 16_000, channels: 2, samples: zip(left, right).flatMap { [$0, $1] })
        let words = try await ChannelDiarizer.words(audio, map: .callerFirst, recognizer: OneWordPerPiece())
        #expect(words.map(\.speaker) == [.caller, .agent], "\(words)")
        #expect(words[0].word.start < 2 && words[1].word.start > 2.5)
        let swapped = try await ChannelDiarizer.words(audio, map: ChannelMap(first: .agent, second: .caller), recognizer: OneWordPerPiece())
        #expect(swapped.map(\.speaker) == [.agent, .caller])
    }
}
