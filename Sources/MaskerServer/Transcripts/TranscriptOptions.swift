import MaskerVoice

/// The options of `POST /api/v1/transcripts` (`TranscriptUpload`), checked before any audio is
/// read: `asr_provider` (local, deepgram, openai; default local), `diarize` and `caller_speaks`
/// (first, second) for a mono recording, `channel_map` (caller,agent or agent,caller) for a stereo
/// one, `session` (scopes the tokens; default a new one), `agent_id` (mask under that agent's
/// policy and scheme), `redacted_audio` (tone or silence: the redacted recording in the answer).
struct TranscriptOptions {
    var provider = "local"
    var transcription = TranscriptionOptions()
    var session: String?
    var agentID: String?
    var fill: AudioRedactor.Fill?

    init(_ options: [String: String]) throws(APIError) {
        func invalid(_ name: String, _ expected: String) -> APIError {
            var error = APIError(.unprocessableContent, "invalid_option", "\(name) must be \(expected)")
            error.param = name
            return error
        }
        if let provider = options["asr_provider"], !provider.isEmpty {
            guard SpeechRecognizers.names.contains(provider) else { throw invalid("asr_provider", SpeechRecognizers.names.joined(separator: ", ")) }
            self.provider = provider
        }
        if let text = options["diarize"] {
            switch text.lowercased() {
            case "1", "true", "yes", "on": transcription.diarize = true
            case "0", "false", "no", "off", "": transcription.diarize = false
            default: throw invalid("diarize", "true or false")
            }
        }
        if let order = options["caller_speaks"] {
            guard order == "first" || order == "second" else { throw invalid("caller_speaks", "first or second") }
            transcription.callerSpeaksFirst = order == "first"
        }
        if let text = options["channel_map"] {
            guard let map = ChannelMap(text) else { throw invalid("channel_map", "caller,agent or agent,caller") }
            transcription.channelMap = map
        }
        if let session = options["session"], !session.isEmpty { self.session = try SessionIDs.check(session, source: "session") }
        agentID = options["agent_id"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = options["redacted_audio"], !text.isEmpty {
            guard let fill = AudioRedactor.Fill(rawValue: text) else { throw invalid("redacted_audio", "tone or silence") }
            self.fill = fill
        }
    }
}
