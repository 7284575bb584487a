import ArgumentParser
import Foundation
import MaskerCore
import MaskerVoice

/// `masker-voice replay`: a recording in; its transcript by speaker, masked, with each masked span's
/// time in the audio; and, on request, the recording with those spans silenced or toned out.
struct VoiceReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Transcribe a recording, mask it by speaker turn, and optionally write it back with the masked spans removed.",
        discussion: """
        Reads a 16-bit PCM WAV (any rate, mono or stereo; resampled to 16 kHz for recognition), \
        and through sox FLAC, Ogg, .au and other WAV encodings (mu-law, A-law, 8/24/32-bit; MP3 \
        where libsox-fmt-mp3 is installed). \
        Speech recognition runs locally with PocketSphinx (--asr-provider local, the default; no \
        network), or with Deepgram (--asr-provider deepgram: DEEPGRAM_API_KEY, DEEPGRAM_BASE_URL) \
        or OpenAI (--asr-provider openai: OPENAI_API_KEY, OPENAI_BASE_URL), which receive the audio. A stereo recording is split by channel, one speaker a channel (--channel-map, \
        default caller,agent: the caller on the first, left channel), with echo from the other side \
        dropped; a mono recording is one speaker, or with --diarize two, clustered from the voice \
        of each stretch of speech between pauses (--caller-speaks second, the default, or first). Each turn is masked under the policy (--scheme, \
        as masker mask), and its events carry the span's time in the audio.

        --output FILE writes the JSON (mode 0600: it holds the original words); --json prints it; \
        otherwise each turn's masked text is printed. --redacted-audio FILE writes the recording \
        with every masked span, padded by 150 ms, replaced by a 1 kHz tone (--fill tone) or silence \
        (--fill silence). A progress line goes to stderr for recordings over a minute.

        Exit codes: 0 ok, 1 unreadable or unsupported audio, a missing model or key, or a failure, \
        3 policy invalid, 5 a hosted provider unreachable or refusing (its message, never the key), 64 usage.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The recording (WAV; FLAC, Ogg, .au, mu-law WAV through sox).", valueName: "file"))
    var input: String

    @Option(name: .customLong("asr-provider"), help: ArgumentHelp("local (PocketSphinx, no network), deepgram (DEEPGRAM_API_KEY) or openai (OPENAI_API_KEY).", valueName: "name"))
    var asrProvider = "local"

    @Flag(name: .long, help: "Attribute a mono recording's speech to two speakers (a stereo one is always attributed by channel).")
    var diarize = false

    @Option(name: .customLong("caller-speaks"), help: ArgumentHelp("With --diarize on mono: whether the caller speaks first or second (default second: an inbound call opens with the agent).", valueName: "order"))
    var callerSpeaks = "second"

    @Option(name: .customLong("channel-map"), help: ArgumentHelp("Who is on each channel of a stereo recording: caller,agent or agent,caller.", valueName: "map"))
    var channelMap = "caller,agent"

    @Option(name: .long, help: ArgumentHelp("vault-deterministic, reversible-aead or synthetic (default: the policy's).", valueName: "scheme"))
    var scheme: String?

    @Option(name: .long, help: ArgumentHelp("Session that scopes the tokens (default: a new one).", valueName: "id"))
    var session: String?

    @Option(name: .long, help: ArgumentHelp("Write the transcript JSON here.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("redacted-audio"), help: ArgumentHelp("Write the recording with masked spans removed here.", valueName: "file"))
    var redactedAudio: String?

    @Option(name: .long, help: ArgumentHelp("tone or silence, for --redacted-audio.", valueName: "fill"))
    var fill = "tone"

    /// Longest recording taken: a call centre's longest calls, with room to spare.
    static let maxSeconds = 2.0 * 3600

    mutating func run() async throws {
        guard let map = ChannelMap(channelMap) else { throw CLIFailure(.usage, "--channel-map takes caller,agent or agent,caller, got '\(channelMap)'") }
        guard let fill = AudioRedactor.Fill(rawValue: fill) else { throw CLIFailure(.usage, "--fill takes tone or silence, got '\(fill)'") }
        guard SpeechRecognizers.names.contains(asrProvider) else {
            throw CLIFailure(.usage, "unknown --asr-provider '\(asrProvider)'; use local, deepgram or openai")
        }
        let audio = try await Self.read(input)
        guard ["first", "second"].contains(callerSpeaks) else {
            throw CLIFailure(.usage, "--caller-speaks takes first or second, got '\(callerSpeaks)'")
        }
        let context = try CommandContext(options: global)
        let policy = try context.loadPolicy().policy
        let tokenization = try scheme.map(MaskCommand.parseScheme) ?? policy.tokenization
        let runSession = try session.map { id throws(CLIFailure) in try CLISession.check(id, option: "--session") } ?? CLISession.generated()
        let started = Date()
        let recognizer = try Self.recognizer(asrProvider, environment: context.environment)
        if audio.duration > 60, !global.quiet {
            Console.err("masker-voice: recognising \(Recording.clock(audio.duration)) of audio (\(audio.channels == 2 ? "two channels" : "one channel"), \(recognizer.name))…")
        }
        let turns: [VoiceTurn]
        do {
            turns = try await Transcriber.turns(of: audio, recognizer: recognizer,
                                                options: TranscriptionOptions(diarize: diarize, callerSpeaksFirst: callerSpeaks == "first", channelMap: map))
        } catch {
            throw Self.failure(error)
        }
        let schemes = try TokenSchemes(policy: policy, context: context)
        let audit = try await AuditTrail(context: context, policy: policy, sessionID: runSession)
        let transcript = try await schemes.closing { () async throws -> MaskedTranscript in
            let masker = try await schemes.masker(tokenization, policy: policy, scope: CLISession.scope(policy, session: runSession))
            return try await MaskedTranscript.make(turns, pipeline: DetectionPipeline(policy: policy), masker: masker) { result in
                try await audit.record(audit.scope.redactions(result, tokenization: tokenization), payload: result.masked)
            }
        }
        if audio.duration > 60, !global.quiet {
            Console.err("masker-voice: done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
        let document = transcript.json(input: input, audio: audio, provider: recognizer.name, session: runSession)
        if let output { try ReportCommand.write(document.serialized(indent: 2) + "\n", to: output) }
        if global.json {
            Console.out(document.serialized(indent: 2))
        } else if output == nil {
            for turn in transcript.turns { Console.out("[\(Recording.clock(turn.turn.start)) \(turn.turn.speaker.rawValue)] \(turn.result.masked)") }
        }
        if let redactedAudio {
            let redacted = AudioRedactor.redact(audio, ranges: transcript.audioRanges, fill: fill)
            do {
                try redacted.wavData.write(to: URL(fileURLWithPath: redactedAudio))
            } catch {
                throw CLIFailure(.error, "cannot write \(redactedAudio): \(error.localizedDescription)")
            }
        }
    }

    /// The recogniser of `--asr-provider`: local needs its model, the hosted ones their key.
    static func recognizer(_ provider: String, environment: [String: String]) throws(CLIFailure) -> any SpeechRecognizer {
        do {
            return try SpeechRecognizers.make(provider, environment: environment)
        } catch {
            throw failure(error)
        }
    }

    /// A hosted provider down or refusing is exit 5 (as an unreachable server is), with its own
    /// message; a missing model or key, exit 1.
    static func failure(_ error: RecognitionError) -> CLIFailure {
        if case .providerFailed = error { return CLIFailure(.serverUnreachable, error.description) }
        return CLIFailure(.error, error.description)
    }

    /// The recording, or an error that names the problem and the fix.
    static func read(_ path: String) async throws(CLIFailure) -> WAVAudio {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? Int else {
            throw CLIFailure(.error, "cannot read \(path): no such file or not readable")
        }
        // Two hours of 48 kHz stereo is ~1.4 GB: beyond it, refuse before reading.
        guard size <= 1_500_000_000 else {
            throw CLIFailure(.error, "\(path) is \(size / 1_000_000) MB; split it (sox IN.wav OUT.wav trim 0 3600 : newfile : restart) and replay the parts")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure(.error, "cannot read \(path): not readable") }
        do {
            return try await Recording.read(data, maxSeconds: maxSeconds)
        } catch {
            throw CLIFailure(.error, "\(path): \(error.description)")
        }
    }
}
