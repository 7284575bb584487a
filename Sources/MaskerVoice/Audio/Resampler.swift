/// Any channel at any rate to 16 kHz (`MonoAudio`), hand-written: no listed package resamples, and
/// speech recognition needs only the speech band. Up (8 kHz telephone audio): linear
/// interpolation. Down (22.05, 44.1, 48 kHz): a moving average over one output period first, a
/// crude low-pass that keeps aliasing out of the 0–8 kHz band well enough for recognition (not for
/// listening), then linear interpolation.
public enum Resampler {
    public static func toRecognizerRate(_ samples: [Int16], from rate: Int) -> MonoAudio {
        let target = MonoAudio.sampleRate
        guard rate != target, rate > 0, !samples.isEmpty else { return MonoAudio(samples: samples) }
        var source = samples.map(Double.init)
        if rate > target {
            let width = Int((Double(rate) / Double(target)).rounded(.up))
            var smoothed = [Double](repeating: 0, count: source.count)
            var sum = 0.0
            for index in source.indices {
                sum += source[index]
                if index >= width { sum -= source[index - width] }
                smoothed[index] = sum / Double(min(index + 1, width))
            }
            source = smoothed
        }
        let count = Int((Double(samples.count) * Double(target) / Double(rate)).rounded())
        let step = Double(rate) / Double(target)
        var output = [Int16]()
        output.reserveCapacity(count)
        for index in 0..<count {
            let position = Double(index) * step
            let first = min(Int(position), source.count - 1), second = min(first + 1, source.count - 1)
            let fraction = position - Double(first)
            let value = source[first] * (1 - fraction) + source[second] * fraction
            output.append(Int16(max(-32768, min(32767, value.rounded()))))
        }
        return MonoAudio(samples: output)
    }
}

extension WAVAudio {
    /// One channel's samples (0-based), de-interleaved.
    public func channel(_ index: Int) -> [Int16] {
        guard channels > 1 else { return samples }
        return stride(from: index, to: samples.count, by: channels).map { samples[$0] }
    }

    /// All channels mixed to one (their mean).
    public func mixed() -> [Int16] {
        guard channels > 1 else { return samples }
        return stride(from: 0, to: samples.count - channels + 1, by: channels).map { first in
            var sum = 0
            for offset in 0..<channels { sum += Int(samples[first + offset]) }
            return Int16(sum / channels)
        }
    }
}
