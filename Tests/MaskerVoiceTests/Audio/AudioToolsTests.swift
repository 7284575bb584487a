import Foundation
import MaskerVoice
import Testing

/// A sine wave of `seconds` at `rate`, amplitude `level` (0…1).
func tone(seconds: Double, rate: Int = 16_000, frequency: Double = 440, level: Double = 0.5) -> [Int16] {
    (0..<Int(seconds * Double(rate))).map { Int16(level * 32767 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
}

struct ResamplerTests {
    @Test func telephoneAudioIsUpsampledAndStudioAudioDownsampledToTheRecognizerRate() {
        let narrow = Resampler.toRecognizerRate(tone(seconds: 1, rate: 8_000), from: 8_000)
        #expect(narrow.samples.count == 16_000)
        let wide = Resampler.toRecognizerRate(tone(seconds: 1, rate: 48_000), from: 48_000)
        #expect(wide.samples.count == 16_000)
        // A 440 Hz tone keeps its level (the moving average is far above it).
        let peak = wide.samples.map { abs(Int($0)) }.max() ?? 0
        #expect(peak > 14_000 && peak < 17_000, "\(peak)")
        let same = tone(seconds: 0.5)
        #expect(Resampler.toRecognizerRate(same, from: 16_000).samples == same)
    }

    @Test func channelsAreSplitAndMixed() {
        let stereo = WAVAudio(sampleRate: 16_000, channels: 2, samples: [1, 100, 2, 200, 3, 300])
        #expect(stereo.channel(0) == [1, 2, 3] && stereo.channel(1) == [100, 200, 300])
        #expect(stereo.mixed() == [50, 101, 151])
    }
}

struct SpeechSegmentsTests {
    @Test func speechIsFoundBetweenPausesAndPaddedAndLongPiecesAreCut() {
        let quiet = [Int16](repeating: 0, count: 16_000)
        let audio = MonoAudio(samples: quiet + tone(seconds: 1) + quiet + tone(seconds: 0.5) + quiet)
        let pieces = SpeechSegments.find(in: audio)
        #expect(pieces.count == 2, "\(pieces)")
        // Each piece covers its tone, with a little silence either side.
        #expect(pieces[0].lowerBound < 16_000 && pieces[0].lowerBound > 13_000 && pieces[0].upperBound > 32_000 && pieces[0].upperBound < 35_000)
        #expect(pieces[1].lowerBound > 44_000 && pieces[1].upperBound < 59_000)
        // A pause shorter than 300 ms joins two pieces.
        let joined = MonoAudio(samples: quiet + tone(seconds: 1) + [Int16](repeating: 0, count: 3_200) + tone(seconds: 1) + quiet)
        #expect(SpeechSegments.find(in: joined).count == 1)
        // Speech without a pause for 45 s is cut into pieces of at most about 20 s.
        let long = SpeechSegments.find(in: MonoAudio(samples: tone(seconds: 45)))
        #expect(long.count >= 3 && long.allSatisfy { $0.count <= 21 * 16_000 })
        #expect(SpeechSegments.find(in: MonoAudio(samples: [])).isEmpty)
        #expect(SpeechSegments.find(in: MonoAudio(samples: quiet)).isEmpty)
    }
}

struct AudioRedactorTests {
    @Test func maskedSpansArePaddedAndFilledOnEveryChannelAndNothingElseChanges() {
        let left = tone(seconds: 2), right = tone(seconds: 2, frequency: 300)
        let samples = zip(left, right).flatMap { [$0, $1] }
        let audio = WAVAudio(sampleRate: 16_000, channels: 2, samples: samples)
        let silenced = AudioRedactor.redact(audio, ranges: [(start: 0.5, end: 1.0)], fill: .silence)
        let first = Int((0.5 - AudioRedactor.padding) * 16_000), last = Int((1.0 + AudioRedactor.padding) * 16_000)
        #expect(silenced.samples[(first * 2)..<(last * 2)].allSatisfy { $0 == 0 })
        #expect(silenced.samples[..<((first - 1) * 2)] == audio.samples[..<((first - 1) * 2)])
        #expect(silenced.samples[((last + 1) * 2)...] == audio.samples[((last + 1) * 2)...])
        let toned = AudioRedactor.redact(audio, ranges: [(start: 0.5, end: 1.0)], fill: .tone)
        let region = toned.samples[(first * 2)..<(last * 2)]
        #expect(region.contains { $0 != 0 } && region.allSatisfy { abs(Int($0)) <= 3_277 })
        // A range running past the end is clamped, never a crash.
        _ = AudioRedactor.redact(audio, ranges: [(start: 1.9, end: 9)], fill: .silence)
    }
}
