import Foundation

/// Everything `masker serve` reads from its environment, parsed once at start-up so a bad value
/// stops the server with a message naming the variable, instead of failing the first request.
public struct ServerConfiguration: Sendable {
    public var listen: ListenAddress = .default
    /// `MASKER_RETELL_LISTEN_ADDR` (unset: off): where Retell's custom-LLM WebSocket is served
    /// (`/retell/{agent_id}/{call_id}`), a listener of its own (`RetellServer`).
    public var retellListen: ListenAddress?
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`
    /// (unset: no traces): the OTLP/HTTP collector each turn's spans go to (`TurnTracing`).
    public var tracesEndpoint: String?
    /// `MASKER_UPSTREAM_TIMEOUT_MS` (default 30 s): how long the proxy waits for the model's answer
    /// (its first byte when streaming) before answering 504 `upstream_timeout`.
    public var upstreamTimeout: Duration = .seconds(30)
    /// `MASKER_UPSTREAM_MAX_CONNECTIONS` (default 1024): HTTP/1.1 connections the proxy keeps open to
    /// one upstream host at once; a turn beyond them waits for one to be free (`UpstreamClient`).
    public var upstreamMaxConnections = 1024
    /// `MASKER_OPENAI_BASE_URL`: any OpenAI-compatible server (default OpenAI's).
    public var openAIBaseURL = "https://api.openai.com/v1"
    /// `MASKER_OPENAI_API_KEY`: used when the caller sends no `Authorization` of its own.
    public var openAIAPIKey: String?
    /// `MASKER_AZURE_OPENAI_ENDPOINT` (e.g. `https://clinic.openai.azure.com`),
    /// `MASKER_AZURE_OPENAI_API_VERSION` and `MASKER_AZURE_OPENAI_API_KEY`: where agents whose
    /// upstream is `azure-openai:<deployment>` go. Unset, such agents answer 500 `agent_misconfigured`.
    public var azureOpenAI: AzureOpenAISettings?
    /// `MASKER_VAPI_WEBHOOK_SECRET`: when set, proxy requests must carry an HMAC-SHA256 of the body.
    public var webhookSecret: String?
    /// `MASKER_FORWARD_CALL_METADATA` (default off): forward the call objects voice platforms add
    /// to a request (`call`, `customer`, `phoneNumber`), masked, to the model. Off, they are read
    /// (`call.id` names the session) and dropped: they are no model's parameters, OpenAI answers
    /// 400 to a request that carries them, and they hold the caller's number and name.
    public var forwardCallMetadata = false
    /// `MASKER_PUBLIC_URL`: how clients reach this server (proxy URLs printed for agents).
    public var publicURL: String?
    /// `MASKER_MAX_BODY_BYTES` (default 4 MiB): larger request bodies are refused with 413.
    public var maxBodyBytes = 4 * 1024 * 1024
    /// `MASKER_CLIENT_IDLE_TIMEOUT_MS` (default 60 s): how long a connection may go without a
    /// complete request head, from when it opens or its last answer ends: bounds a head sent a byte
    /// at a time and an idle keep-alive connection alike (`ClientDeadlines`).
    public var clientIdleTimeout: Duration = .seconds(60)
    /// `MASKER_REQUEST_BODY_TIMEOUT_MS` (default 30 s): how long a request's body may take to arrive
    /// once its head has.
    public var requestBodyTimeout: Duration = .seconds(30)
    /// `MASKER_MAX_CONNECTIONS_PER_ADDRESS` (default 512): open connections one client address may
    /// hold; more are closed as they open (`ConnectionCap`).
    public var maxConnectionsPerAddress = 512
    /// `MASKER_RATE_LIMIT_PER_MINUTE` (default 600): proxied requests per agent per minute; 0 turns it off.
    public var rateLimitPerMinute = 600
    /// `MASKER_LOGIN_ATTEMPTS_PER_MINUTE` (default 10): log-in attempts per user name, and per client
    /// address, per minute.
    public var loginAttemptsPerMinute = 10
    /// `MASKER_LOGIN_TTL_HOURS` (default 12): how long a browser stays logged in.
    public var loginLifetime: Duration = .seconds(12 * 3600)
    /// `MASKER_GEMMA_URL`, `MASKER_GEMMA_MODEL`, `MASKER_GEMMA_API_KEY`, `MASKER_DETECTION_TIMEOUT_MS`:
    /// the `gemma` pass on an LLM endpoint; nil runs it on the embedded model.
    public var gemmaEndpoint: GemmaEndpointConfiguration?
    /// `MASKER_DETECTION_TIMEOUT_MS` (default 200): a turn's local passes may run this long plus
    /// 1 ms per KiB of its text (`DetectionDeadline`); past it the turn is refused with 503.
    public var detectionTimeout = GemmaEndpointConfiguration.defaultTimeout
    /// `MASKER_TRANSCRIPT_*`: recordings sent to `POST /api/v1/transcripts`.
    public var transcripts = TranscriptSettings()

    public init() {}

    /// Session cookies are marked Secure when clients reach the server over HTTPS.
    public var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") == true }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func from(environment: [String: String]) throws(Invalid) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        do {
            configuration.listen = try ListenAddress.fromEnvironment(environment)
        } catch {
            throw Invalid(description: error.description)
        }
        if let text = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", environment) ?? value("OTEL_EXPORTER_OTLP_ENDPOINT", environment).map({
            $0.hasSuffix("/") ? $0 + "v1/traces" : $0 + "/v1/traces"
        }) {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw Invalid(description: "OTEL_EXPORTER_OTLP_ENDPOINT \"\(text)\" is not an http(s) URL (e.g. http://127.0.0.1:4318)")
            }
            configuration.tracesEndpoint = text
        }
        if let text = value("MASKER_RETELL_LISTEN_ADDR", environment) {
            guard let address = try? ListenAddress.parse(text) else {
                throw Invalid(description: "MASKER_RETELL_LISTEN_ADDR \"\(text)\" is not host:port (e.g. 127.0.0.1:8081, 0.0.0.0:8081)")
            }
            configuration.retellListen = address
        }
        if let text = value("MASKER_UPSTREAM_TIMEOUT_MS", environment) {
            guard let millis = Int(text), millis > 0 else {
                throw Invalid(description: "MASKER_UPSTREAM_TIMEOUT_MS \"\(text)\" is not a positive number of milliseconds (e.g. 30000)")
            }
            configuration.upstreamTimeout = .milliseconds(millis)
        }
        if let text = value("MASKER_UPSTREAM_MAX_CONNECTIONS", environment) {
            guard let count = Int(text), (1...65_535).contains(count) else {
                throw Invalid(description: "MASKER_UPSTREAM_MAX_CONNECTIONS \"\(text)\" must be a whole number from 1 to 65535 (default 1024)")
            }
            configuration.upstreamMaxConnections = count
        }
        if let text = value("MASKER_OPENAI_BASE_URL", environment) {
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw Invalid(description: "MASKER_OPENAI_BASE_URL \"\(text)\" is not an http(s) URL (e.g. https://api.openai.com/v1)")
            }
            configuration.openAIBaseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        configuration.openAIAPIKey = value("MASKER_OPENAI_API_KEY", environment)
        configuration.azureOpenAI = try AzureOpenAISettings(value("MASKER_AZURE_OPENAI_ENDPOINT", environment),
                                                            apiVersion: value("MASKER_AZURE_OPENAI_API_VERSION", environment),
                                                            apiKey: value("MASKER_AZURE_OPENAI_API_KEY", environment))
        configuration.webhookSecret = value("MASKER_VAPI_WEBHOOK_SECRET", environment)
        if let text = value("MASKER_FORWARD_CALL_METADATA", environment) {
            switch text.lowercased() {
            case "1", "true", "yes", "on": configuration.forwardCallMetadata = true
            case "0", "false", "no", "off": configuration.forwardCallMetadata = false
            default: throw Invalid(description: "MASKER_FORWARD_CALL_METADATA \"\(text)\" must be 1 or 0 (true or false)")
            }
        }
        configuration.publicURL = value("MASKER_PUBLIC_URL", environment).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if let text = value("MASKER_MAX_BODY_BYTES", environment) {
            guard let bytes = Int(text), bytes >= 1024 else {
                throw Invalid(description: "MASKER_MAX_BODY_BYTES \"\(text)\" must be a number of bytes, at least 1024")
            }
            configuration.maxBodyBytes = bytes
        }
        if let text = value("MASKER_RATE_LIMIT_PER_MINUTE", environment) {
            guard let limit = Int(text), limit >= 0 else {
                throw Invalid(description: "MASKER_RATE_LIMIT_PER_MINUTE \"\(text)\" must be a whole number (0 turns the limit off)")
            }
            configuration.rateLimitPerMinute = limit
        }
        if let text = value("MASKER_LOGIN_ATTEMPTS_PER_MINUTE", environment) {
            guard let limit = Int(text), limit >= 1 else {
                throw Invalid(description: "MASKER_LOGIN_ATTEMPTS_PER_MINUTE \"\(text)\" must be a whole number, at least 1")
            }
            configuration.loginAttemptsPerMinute = limit
        }
        if let text = value("MASKER_LOGIN_TTL_HOURS", environment) {
            guard let hours = Int(text), (1...720).contains(hours) else {
                throw Invalid(description: "MASKER_LOGIN_TTL_HOURS \"\(text)\" must be a whole number of hours from 1 to 720")
            }
            configuration.loginLifetime = .seconds(hours * 3600)
        }
        try readClientLimits(environment, into: &configuration)
        try readTranscriptSettings(environment, into: &configuration.transcripts)
        do {
            configuration.gemmaEndpoint = try GemmaEndpointConfiguration.from(environment: environment)
            configuration.detectionTimeout = try GemmaEndpointConfiguration.timeout(from: environment)
        } catch {
            throw Invalid(description: error.description)
        }
        return configuration
    }

    /// The slow-client limits: two deadlines and a connection cap.
    private static func readClientLimits(_ environment: [String: String], into configuration: inout ServerConfiguration) throws(Invalid) {
        if let millis = try integer("MASKER_CLIENT_IDLE_TIMEOUT_MS", environment, in: 100...86_400_000, example: "60000") {
            configuration.clientIdleTimeout = .milliseconds(millis)
        }
        if let millis = try integer("MASKER_REQUEST_BODY_TIMEOUT_MS", environment, in: 100...86_400_000, example: "30000") {
            configuration.requestBodyTimeout = .milliseconds(millis)
        }
        if let count = try integer("MASKER_MAX_CONNECTIONS_PER_ADDRESS", environment, in: 1...1_000_000, example: "512") {
            configuration.maxConnectionsPerAddress = count
        }
    }

    private static func readTranscriptSettings(_ environment: [String: String], into settings: inout TranscriptSettings) throws(Invalid) {
        if let bytes = try integer("MASKER_TRANSCRIPT_MAX_BYTES", environment, in: 1024...2_000_000_000, example: "67108864") {
            settings.maxBytes = bytes
        }
        if let seconds = try integer("MASKER_TRANSCRIPT_MAX_SECONDS", environment, in: 1...7200, example: "3600") {
            settings.maxSeconds = seconds
        }
        if let count = try integer("MASKER_TRANSCRIPT_CONCURRENCY", environment, in: 1...64, example: "1") {
            settings.concurrency = count
        }
        settings.speechEnvironment = environment.filter { TranscriptSettings.speechVariables.contains($0.key) }
    }

    /// A whole number in `range`, or nil when the variable is not set.
    private static func integer(_ name: String, _ environment: [String: String], in range: ClosedRange<Int>,
                                example: String) throws(Invalid) -> Int? {
        guard let text = value(name, environment) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw Invalid(description: "\(name) \"\(text)\" must be a whole number from \(range.lowerBound) to \(range.upperBound) (e.g. \(example))")
        }
        return number
    }

    private static func value(_ name: String, _ environment: [String: String]) -> String? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    /// The base URL clients use to reach this server.
    public var baseURL: String { publicURL ?? "http://\(listen)" }
}
