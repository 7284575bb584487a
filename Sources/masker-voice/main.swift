import ArgumentParser
import Foundation
import MaskerVoice

/// `masker-voice`: the voice side of Masker. Recording replay (speech recognition, diarization,
/// masking) is tracked by its own issue; this release checks recordings for it.
struct MaskerVoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masker-voice",
        abstract: "Voice tools for Masker.",
        discussion: "Exit codes: 0 ok, 1 error (unreadable or unsupported audio), 64 usage.",
        version: "0.1.0",
        subcommands: [Inspect.self]
    )
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a WAV recording and say whether local speech recognition can use it as is."
    )

    @Argument(help: ArgumentHelp("A WAV file.", valueName: "file"))
    var file: String

    @Flag(help: "Machine-readable JSON output.")
    var json = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationFailure("cannot read \(file): no such file or not readable")
        }
        let audio: WAVAudio
        do {
            audio = try WAVAudio(data: data)
        } catch {
            throw ValidationFailure("\(file): \(error.description)")
        }
        let ready = audio.isRecognizerReady
        if json {
            print("{\"sample_rate\":\(audio.sampleRate),\"channels\":\(audio.channels),\"seconds\":\(String(format: "%.3f", audio.duration)),\"recognizer_ready\":\(ready)}")
        } else {
            print("\(file): \(audio.sampleRate) Hz, \(audio.channels) channel(s), \(String(format: "%.2f", audio.duration)) s")
            print(ready ? "ready for local speech recognition (16 kHz mono)"
                        : "needs conversion for local speech recognition: sox \(file) -r 16000 -c 1 -b 16 out.wav")
        }
    }
}

/// An error whose message is printed as is, with exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

MaskerVoiceCommand.main()
