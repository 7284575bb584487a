import Foundation

/// The recording with every masked span's audio replaced, so no syllable of a masked value can be
/// heard: each time range widened by `padding` on both sides (word timings are 10 ms frames, and a
/// recogniser's boundaries can be a syllable off), then silenced or overwritten with a 1 kHz tone
/// at −20 dBFS, on every channel. The rest of the recording is untouched, at its own rate and
/// channel count.
public enum AudioRedactor {
    public enum Fill: String, Sendable, CaseIterable {
        case silence, tone
    }

    public static let padding = 0.15

    public static func redact(_ audio: WAVAudio, ranges: [(start: Double, end: Double)], fill: Fill,
                              padding: Double = AudioRedactor.padding) -> WAVAudio {
        var redacted = audio
        let frames = audio.samples.count / max(audio.channels, 1)
        for range in ranges {
            let first = max(0, Int(((range.start - padding) * Double(audio.sampleRate)).rounded(.down)))
            let last = min(frames, Int(((range.end + padding) * Double(audio.sampleRate)).rounded(.up)))
            guard first < last else { continue }
            for frame in first..<last {
                let value: Int16
                switch fill {
                case .silence: value = 0
                case .tone: value = Int16(3277 * sin(2 * Double.pi * 1000 * Double(frame) / Double(audio.sampleRate)))
                }
                for channel in 0..<audio.channels { redacted.samples[frame * audio.channels + channel] = value }
            }
        }
        return redacted
    }
}
