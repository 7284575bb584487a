import MaskerVoice
import Synchronization

/// The speech recognisers transcripts use: one local PocketSphinx decoder for the server's life
/// (its model takes a moment to load, and it decodes one recording at a time whatever happens),
/// and a hosted one made per request from the server's environment (`TranscriptSettings`).
final class TranscriptRecognizers: Sendable {
    private let environment: [String: String]
    private let local = Mutex<(any SpeechRecognizer)?>(nil)

    init(environment: [String: String]) {
        self.environment = environment
    }

    func recognizer(_ provider: String) async throws(APIError) -> any SpeechRecognizer {
        if provider == "local", let loaded = local.withLock({ $0 }) { return loaded }
        let environment = environment
        // Loading the model reads and parses tens of megabytes: off the cooperative pool.
        do {
            let made = try await DedicatedThread.run { () throws(RecognitionError) in try SpeechRecognizers.make(provider, environment: environment) }
            if provider == "local" { local.withLock { $0 = $0 ?? made } }
            return made
        } catch {
            throw Self.refusal(error)
        }
    }

    /// What a recogniser's failure answers: the local model missing or a hosted key unset is the
    /// server's set-up (503); a hosted provider down or refusing is a bad gateway (502), with the
    /// provider's own message and never the key.
    static func refusal(_ error: RecognitionError) -> APIError {
        switch error {
        case let .modelUnavailable(reason):
            return APIError(.serviceUnavailable, "asr_unavailable",
                            "the local speech model could not be loaded (\(reason)); install pocketsphinx-en-us or set MASKER_POCKETSPHINX_MODEL; nothing was kept")
        case let .missingKey(variable):
            return APIError(.serviceUnavailable, "asr_not_configured",
                            "\(variable) is not set on the server; set it, or send asr_provider=local; nothing was kept")
        case let .providerFailed(provider, message):
            return APIError(.badGateway, "asr_provider_failed", "\(provider) failed: \(message); nothing was kept")
        }
    }
}
