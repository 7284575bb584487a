/// A word a speech recogniser heard, with where it sits in the recording.
public struct RecognizedWord: Sendable, Equatable {
    public var text: String
    /// Seconds from the start of the recording.
    public var start: Double
    public var end: Double
    /// The recogniser's own confidence, 0…1, when it gives one.
    public var confidence: Double?

    public init(text: String, start: Double, end: Double, confidence: Double? = nil) {
        self.text = text
        self.start = start
        self.end = end
        self.confidence = confidence
    }
}

/// Speech to words with timings: the local recogniser (`PocketSphinxRecognizer`) or a hosted one.
/// Audio comes as 16 kHz mono 16-bit samples (`MonoAudio`), the form every provider takes.
public protocol SpeechRecognizer: Sendable {
    /// The provider's name as the CLI's `--asr-provider` takes it.
    var name: String { get }
    func recognize(_ audio: MonoAudio) async throws(RecognitionError) -> [RecognizedWord]
}

public enum RecognitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The local model is missing or does not load.
    case modelUnavailable(String)
    /// A hosted provider could not be reached, or answered with an error (its message, never the key).
    case providerFailed(provider: String, message: String)
    case missingKey(variable: String)

    public var description: String {
        switch self {
        case let .modelUnavailable(reason): return "the local speech model could not be loaded: \(reason)"
        case let .providerFailed(provider, message): return "\(provider) failed: \(message)"
        case let .missingKey(variable): return "\(variable) is not set; set it to your API key, or use --asr-provider local"
        }
    }
}
