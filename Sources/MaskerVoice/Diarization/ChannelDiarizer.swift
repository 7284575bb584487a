import Foundation

/// Speakers of a two-channel recording from its channels: each channel is recognised on its own
/// and its words belong to that channel's speaker (`ChannelMap`).
///
/// Bleed: a telephone leg often carries a faint copy of the other side (echo, crosstalk), which a
/// recogniser hears as words. A word is dropped when, over its time span, its own channel is more
/// than `bleedMargin` dB quieter than the other: the speaker it belongs to is on the other channel,
/// which has the same words loud.
public enum ChannelDiarizer {
    static let bleedMargin = 6.0

    public static func words(_ audio: WAVAudio, map: ChannelMap, recognizer: any SpeechRecognizer) async throws(RecognitionError) -> [SpokenWord] {
        let (left, right) = await DedicatedThread.run {
            (Resampler.toRecognizerRate(audio.channel(0), from: audio.sampleRate), Resampler.toRecognizerRate(audio.channel(1), from: audio.sampleRate))
        }
        var words: [SpokenWord] = []
        for (own, other, speaker) in [(left, right, map.first), (right, left, map.second)] {
            let heard = try await recognizer.recognize(own)
            words += await DedicatedThread.run {
                heard.filter { !isBleed($0, own: own, other: other) }.map { SpokenWord($0, speaker: speaker) }
            }
        }
        return words.sorted { $0.word.start < $1.word.start }
    }

    static func isBleed(_ word: RecognizedWord, own: MonoAudio, other: MonoAudio) -> Bool {
        SpeechSegments.level(own.slice(from: word.start, to: word.end)) + bleedMargin
            < SpeechSegments.level(other.slice(from: word.start, to: word.end))
    }
}
