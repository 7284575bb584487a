import Foundation
@testable import MaskerVoice
import Testing

struct PocketSphinxRecognizerTests {
    @Test func dictionaryWordsAreTextAndFillersAreNothing() {
        #expect(PocketSphinxRecognizer.word("one(2)") == "one")
        #expect(PocketSphinxRecognizer.word("sarah") == "sarah")
        for filler in ["<s>", "</s>", "<sil>", "[NOISE]", "++BREATH++"] { #expect(PocketSphinxRecognizer.word(filler) == nil) }
    }

    @Test func aMissingModelIsAClearError() {
        #expect(throws: RecognitionError.self) { try PocketSphinxRecognizer(modelDirectory: "/nonexistent/model") }
        do {
            _ = try PocketSphinxRecognizer(modelDirectory: "/nonexistent/model")
        } catch {
            #expect(error.description.contains("pocketsphinx-en-us") && error.description.contains("MASKER_POCKETSPHINX_MODEL"))
        }
    }

    /// Speech rendered by flite (installed by scripts/setup.sh) comes back nearly word for word,
    /// with timings in order and inside the recording.
    @Test func fliteSpeechIsRecognisedWithWordTimings() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("masker-flite-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flite")
        process.arguments = ["-voice", "slt", "-t", "my number is six one seven five five five zero one four two", "-o", file.path]
        try process.run()
        process.waitUntilExit()
        let audio = try WAVAudio(data: try Data(contentsOf: file))
        let words = try await PocketSphinxRecognizer().recognize(Resampler.toRecognizerRate(audio.mixed(), from: audio.sampleRate))
        let text = words.map(\.text).joined(separator: " ")
        #expect(text.contains("six one seven five five five"), "\(text)")
        #expect(zip(words, words.dropFirst()).allSatisfy { $0.end <= $1.start + 0.001 } && words.allSatisfy { $0.start < $0.end })
        #expect((words.last?.end ?? 99) <= audio.duration + 0.01)
    }
}
