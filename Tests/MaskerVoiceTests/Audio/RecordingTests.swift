import Foundation
import MaskerVoice
import Testing

/// Recordings as `replay` and the API take them: 16-bit PCM WAV as it is, other formats through
/// Debian's sox (FLAC losslessly, μ-law telephony WAV), and every problem a clear error.
struct RecordingTests {
    /// A second of a 440 Hz tone at 8 kHz, two channels.
    static let tone: WAVAudio = {
        var samples: [Int16] = []
        for index in 0..<8000 {
            let value = Int16(8000 * sin(2 * Double.pi * 440 * Double(index) / 8000))
            samples += [value, value / 2]
        }
        return WAVAudio(sampleRate: 8000, channels: 2, samples: samples)
    }()

    /// `tone` written by sox in another format.
    private func converted(_ arguments: [String], extension name: String) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("masker-recording-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.wav"), output = directory.appendingPathComponent("out.\(name)")
        try Self.tone.wavData.write(to: input)
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = [input.path] + arguments + [output.path]
        try sox.run()
        sox.waitUntilExit()
        return try Data(contentsOf: output)
    }

    @Test func flacIsReadThroughSoxSampleForSample() async throws {
        let flac = try converted([], extension: "flac")
        #expect(flac.prefix(4) == Data("fLaC".utf8))
        let audio = try await Recording.read(flac, maxSeconds: 60)
        #expect(audio == Self.tone)
    }

    @Test func aMuLawTelephonyRecordingIsReadAsPCM() async throws {
        let mulaw = try converted(["-e", "u-law"], extension: "wav")
        #expect(throws: WAVAudio.ReadError.self) { try WAVAudio(data: mulaw) }
        let audio = try await Recording.read(mulaw, maxSeconds: 60)
        #expect(audio.sampleRate == 8000 && audio.channels == 2 && audio.samples.count == Self.tone.samples.count)
        // μ-law keeps the waveform to within a few per cent.
        let error = zip(audio.samples, Self.tone.samples).map { abs(Int($0) - Int($1)) }.max() ?? .max
        #expect(error < 400)
    }

    @Test func eachProblemIsNamed() async throws {
        await #expect(throws: Recording.Problem.empty) { try await Recording.read(Data(), maxSeconds: 60) }
        await #expect(throws: Recording.Problem.noAudio) {
            try await Recording.read(WAVAudio(sampleRate: 16_000, channels: 1, samples: []).wavData, maxSeconds: 60)
        }
        await #expect(throws: Recording.Problem.tooLong(seconds: 1, limit: 0.5)) { try await Recording.read(Self.tone.wavData, maxSeconds: 0.5) }
        do {
            _ = try await Recording.read(Data("just some text, not audio".utf8), maxSeconds: 60)
            Issue.record("text was read as audio")
        } catch {
            #expect(error.description.contains("not a RIFF/WAVE file") && error.description.contains("sox"))
        }
        #expect(Recording.clock(75.25) == "1:15.2" && Recording.clock(3723) == "1:02:03")
    }
}
