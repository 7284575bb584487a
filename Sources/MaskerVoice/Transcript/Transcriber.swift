/// How a recording is heard: who is on which channel of a stereo one, and whether a mono one is
/// split between two voices.
public struct TranscriptionOptions: Sendable, Equatable {
    /// Mono only: cluster the speech into two speakers by voice (`MonoDiarizer`); otherwise one
    /// speaker, `unknown`. A stereo recording is always attributed by channel.
    public var diarize: Bool
    /// With `diarize`: the caller is the voice heard first (default: second, as an inbound call
    /// opens with the agent).
    public var callerSpeaksFirst: Bool
    public var channelMap: ChannelMap

    public init(diarize: Bool = false, callerSpeaksFirst: Bool = false, channelMap: ChannelMap = .callerFirst) {
        self.diarize = diarize
        self.callerSpeaksFirst = callerSpeaksFirst
        self.channelMap = channelMap
    }
}

/// A recording to speaker turns: resampled to the recogniser's rate, recognised, attributed by
/// channel or by voice, grouped into turns. What `masker-voice replay` and `POST
/// /api/v1/transcripts` share; every CPU-bound step runs off the cooperative pool.
public enum Transcriber {
    public static func turns(of audio: WAVAudio, recognizer: any SpeechRecognizer,
                             options: TranscriptionOptions) async throws(RecognitionError) -> [VoiceTurn] {
        let words: [SpokenWord]
        if audio.channels == 2 {
            words = try await ChannelDiarizer.words(audio, map: options.channelMap, recognizer: recognizer)
        } else {
            let mono = await DedicatedThread.run { Resampler.toRecognizerRate(audio.mixed(), from: audio.sampleRate) }
            let heard = try await recognizer.recognize(mono)
            if options.diarize {
                words = await DedicatedThread.run { MonoDiarizer.speakers(heard, audio: mono, callerSpeaksFirst: options.callerSpeaksFirst) }
            } else {
                words = heard.map { SpokenWord($0, speaker: .unknown) }
            }
        }
        return VoiceTurn.turns(words)
    }
}
