/// One channel of 16-bit samples at 16 kHz: what every recogniser here takes, and what the
/// redacted recording is written from. `Resampler` makes it from any rate.
public struct MonoAudio: Sendable, Equatable {
    public static let sampleRate = 16_000
    public var samples: [Int16]

    public init(samples: [Int16]) { self.samples = samples }

    public var duration: Double { Double(samples.count) / Double(Self.sampleRate) }

    /// The samples between two times (clamped to the recording).
    public func slice(from start: Double, to end: Double) -> ArraySlice<Int16> {
        let first = max(0, min(samples.count, Int(start * Double(Self.sampleRate))))
        let last = max(first, min(samples.count, Int(end * Double(Self.sampleRate))))
        return samples[first..<last]
    }
}
