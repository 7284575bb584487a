import Foundation

/// The optional LLM back end of the `gemma` pass, from the environment: read by `masker serve` and
/// by the CLI's `detect`, `mask` and `eval`, so an endpoint can be scored before it is deployed.
public struct GemmaEndpointConfiguration: Sendable, Equatable {
    /// `MASKER_GEMMA_URL`: the base URL of an OpenAI-compatible server (`http://127.0.0.1:8081/v1`);
    /// `/chat/completions` is appended unless the URL already ends with it.
    public var chatCompletionsURL: String
    /// `MASKER_GEMMA_MODEL`: the model name the endpoint serves (`gemma3:4b` under Ollama).
    public var model: String
    /// `MASKER_GEMMA_API_KEY`: sent as a bearer token, for endpoints started with a key (vLLM's
    /// `--api-key`). Never logged.
    public var apiKey: String?
    /// `MASKER_DETECTION_TIMEOUT_MS` (default 200): how long a turn waits for the endpoint before
    /// going on with the embedded model.
    public var timeout: Duration

    public static let defaultTimeout = Duration.milliseconds(200)

    public init(chatCompletionsURL: String, model: String, apiKey: String? = nil, timeout: Duration = defaultTimeout) {
        self.chatCompletionsURL = chatCompletionsURL
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// `MASKER_DETECTION_TIMEOUT_MS` (default 200), which bounds the wait for the endpoint and,
    /// separately, a server turn's local passes (`DetectionDeadline`).
    public static func timeout(from environment: [String: String]) throws(Invalid) -> Duration {
        guard let text = environment["MASKER_DETECTION_TIMEOUT_MS"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return defaultTimeout
        }
        guard let millis = Int(text), (1...60_000).contains(millis) else {
            throw Invalid(description: "MASKER_DETECTION_TIMEOUT_MS \"\(text)\" must be a whole number of milliseconds from 1 to 60000 (default 200)")
        }
        return .milliseconds(millis)
    }

    /// Nil when `MASKER_GEMMA_URL` is unset (the embedded model alone); an error naming the
    /// variable and the fix when a value is unusable.
    public static func from(environment: [String: String]) throws(Invalid) -> GemmaEndpointConfiguration? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let timeout = try timeout(from: environment)
        guard let url = value("MASKER_GEMMA_URL") else {
            if value("MASKER_GEMMA_MODEL") != nil {
                throw Invalid(description: "MASKER_GEMMA_MODEL is set but MASKER_GEMMA_URL is not; set MASKER_GEMMA_URL to the endpoint's base URL (e.g. http://127.0.0.1:11434/v1) or unset MASKER_GEMMA_MODEL")
            }
            return nil
        }
        // The URL may carry credentials, so the message names the variable, not the value.
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw Invalid(description: "MASKER_GEMMA_URL is not an http(s) URL; set it to the endpoint's base URL, e.g. http://127.0.0.1:11434/v1")
        }
        guard let model = value("MASKER_GEMMA_MODEL") else {
            throw Invalid(description: "MASKER_GEMMA_URL is set but MASKER_GEMMA_MODEL is not; set it to the model the endpoint serves (e.g. gemma3:4b)")
        }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        let chat = base.hasSuffix("/chat/completions") ? base : base + "/chat/completions"
        return GemmaEndpointConfiguration(chatCompletionsURL: chat, model: model, apiKey: value("MASKER_GEMMA_API_KEY"), timeout: timeout)
    }
}
