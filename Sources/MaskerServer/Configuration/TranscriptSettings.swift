/// `POST /api/v1/transcripts`: how large and how long a recording may be, how many are transcribed
/// at once, and what the speech recognisers read from the environment.
public struct TranscriptSettings: Sendable {
    /// `MASKER_TRANSCRIPT_MAX_BYTES` (default 64 MiB: half an hour of 16 kHz stereo, or an hour of
    /// 8 kHz stereo telephony): larger uploads are refused with 413. The server holds an upload,
    /// its samples and their 16 kHz copy in memory at once: about three times this per transcript.
    public var maxBytes = 64 * 1024 * 1024
    /// `MASKER_TRANSCRIPT_MAX_SECONDS` (default 3600): longer recordings are refused with 422.
    public var maxSeconds = 3600
    /// `MASKER_TRANSCRIPT_CONCURRENCY` (default 1): recordings transcribed at once. Local
    /// recognition is a core's work for about a tenth of the recording's length; more wait, up to
    /// four per slot, and beyond that the request is refused with 503 and `Retry-After`.
    public var concurrency = 1
    /// What the recognisers read (`SpeechRecognizers`): `MASKER_POCKETSPHINX_MODEL`, `DEEPGRAM_*`,
    /// `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `MASKER_OPENAI_TRANSCRIBE_MODEL`, `MASKER_DEEPGRAM_MODEL`,
    /// `MASKER_ASR_CONNECT_TIMEOUT_MS`. Keys here go only to their provider, never to any output.
    public var speechEnvironment: [String: String] = [:]

    static let speechVariables: Set<String> = [
        "MASKER_POCKETSPHINX_MODEL", "DEEPGRAM_API_KEY", "DEEPGRAM_BASE_URL", "MASKER_DEEPGRAM_MODEL", "OPENAI_API_KEY",
        "OPENAI_BASE_URL", "MASKER_OPENAI_TRANSCRIBE_MODEL", "MASKER_ASR_CONNECT_TIMEOUT_MS",
    ]

    public init() {}
}
