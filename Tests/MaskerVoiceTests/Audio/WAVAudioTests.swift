import Foundation
import MaskerVoice
import Testing

struct WAVAudioTests {
    @Test func roundTripsPCM16() throws {
        let audio = WAVAudio(sampleRate: 16_000, channels: 1, samples: [0, 1, -1, .max, .min, 1234])
        let decoded = try WAVAudio(data: audio.wavData)
        #expect(decoded == audio)
        #expect(decoded.isRecognizerReady)
    }

    @Test func reportsDurationAndReadiness() throws {
        let stereo = WAVAudio(sampleRate: 8_000, channels: 2, samples: Array(repeating: 0, count: 16_000))
        let decoded = try WAVAudio(data: stereo.wavData)
        #expect(decoded.duration == 1.0)
        #expect(!decoded.isRecognizerReady)
    }

    @Test func skipsUnknownChunksAndPadding() throws {
        var data = WAVAudio(sampleRate: 16_000, channels: 1, samples: [5, 6]).wavData
        // Insert an odd-sized LIST chunk (padded to even) between 'fmt ' and 'data'.
        let list: [UInt8] = Array("LIST".utf8) + [3, 0, 0, 0] + [1, 2, 3, 0]
        data.insert(contentsOf: list, at: 36)
        #expect(try WAVAudio(data: data).samples == [5, 6])
    }

    @Test func rejectsWhatItCannotRead() {
        #expect(throws: WAVAudio.ReadError.notRIFFWave) { try WAVAudio(data: Data("hello".utf8)) }
        var eightBit = WAVAudio(sampleRate: 16_000, channels: 1, samples: [1]).wavData
        eightBit[34] = 8
        #expect(throws: WAVAudio.ReadError.unsupportedEncoding(formatTag: 1, bitsPerSample: 8)) { try WAVAudio(data: eightBit) }
        let headerOnly = WAVAudio(sampleRate: 16_000, channels: 1, samples: []).wavData.prefix(36)
        #expect(throws: WAVAudio.ReadError.missingChunk("data")) { try WAVAudio(data: Data(headerOnly)) }
    }

    @Test func neverCrashesOnRandomBytes() {
        var generator = SeededGenerator(state: 2026) // fixed, so a failure reproduces
        let valid = WAVAudio(sampleRate: 16_000, channels: 1, samples: Array(repeating: 7, count: 64)).wavData
        for _ in 0..<2_000 {
            var data = valid
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                data[Int.random(in: 0..<data.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            data = data.prefix(Int.random(in: 0...data.count, using: &generator))
            _ = try? WAVAudio(data: data)
        }
    }
}

/// A fixed-seed xorshift generator for reproducible fuzzing.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
