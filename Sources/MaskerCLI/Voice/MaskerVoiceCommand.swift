import ArgumentParser
import Foundation
import MaskerVoice

/// `masker-voice`: recordings. `replay` transcribes, attributes and masks one; `inspect` says what a
/// WAV file holds. Run through `MaskerCommand.execute`, so its exit codes are `masker`'s.
public struct MaskerVoiceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "masker-voice",
        abstract: "Voice tools for Masker: recordings in, masked transcripts and redacted recordings out.",
        discussion: """
        Exit codes: 0 ok, 1 error (unreadable or unsupported audio, a failure), 3 policy invalid, 64 usage.
        Environment: as masker (MASKER_POLICY_PATH, MASKER_KEY_<KID>, MASKER_DEV, MASKER_DATA_DIR), and \
        MASKER_POCKETSPHINX_MODEL (the local speech model's directory; default Debian's).
        """,
        version: MaskerCommand.version,
        subcommands: [VoiceReplayCommand.self, VoiceInspectCommand.self]
    )

    public init() {}
}

struct VoiceInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a WAV recording and say whether local speech recognition can use it as is."
    )

    @Argument(help: ArgumentHelp("A WAV file.", valueName: "file"))
    var file: String

    @Flag(help: "Machine-readable JSON output.")
    var json = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIFailure(.error, "cannot read \(file): no such file or not readable")
        }
        let audio: WAVAudio
        do {
            audio = try WAVAudio(data: data)
        } catch {
            throw CLIFailure(.error, "\(file): \(error.description)")
        }
        let ready = audio.isRecognizerReady
        if json {
            print("{\"sample_rate\":\(audio.sampleRate),\"channels\":\(audio.channels),\"seconds\":\(String(format: "%.3f", audio.duration)),\"recognizer_ready\":\(ready)}")
        } else {
            print("\(file): \(audio.sampleRate) Hz, \(audio.channels) channel(s), \(String(format: "%.2f", audio.duration)) s")
            print(ready ? "ready for local speech recognition (16 kHz mono)"
                        : "replay resamples it to 16 kHz mono for recognition (or convert it: sox \(file) -r 16000 -c 1 -b 16 out.wav)")
        }
    }
}
