/// The recognisers by the name `--asr-provider` and the API's `asr_provider` take.
public enum SpeechRecognizers {
    public static let names = ["local", "deepgram", "openai"]

    /// `local` needs its model (`MASKER_POCKETSPHINX_MODEL` or Debian's), a hosted one its key.
    public static func make(_ provider: String, environment: [String: String]) throws(RecognitionError) -> any SpeechRecognizer {
        switch provider {
        case "deepgram": return try DeepgramRecognizer(environment: environment)
        case "openai": return try OpenAIRecognizer(environment: environment)
        default: return try PocketSphinxRecognizer(modelDirectory: PocketSphinxRecognizer.modelDirectory(environment: environment))
        }
    }
}
