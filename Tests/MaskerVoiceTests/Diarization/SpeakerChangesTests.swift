import Foundation
import MaskerCore
import Testing

@testable import MaskerVoice

struct SpeakerChangesTests {
    /// Frames of 12 coefficients drawn around `mean` with a seeded generator.
    static func frames(_ count: Int, mean: Double, spread: Double, seed: UInt64) -> [[Double]] {
        var random = SplitMix64(state: seed)
        func gaussian() -> Double {
            let u = max(Double.random(in: 0..<1, using: &random), 1e-12), v = Double.random(in: 0..<1, using: &random)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        return (0..<count).map { _ in (0..<12).map { index in mean + Double(index % 3) + spread * gaussian() } }
    }

    @Test func theCriterionPrefersTwoModelsOnlyWhereTheFramesChange() {
        let one = SpeakerChanges.RunningTotals(Self.frames(400, mean: 0, spread: 1, seed: 1))
        let best = (100..<300).map { one.deltaBIC(cut: $0, penalty: 1) }.max() ?? .infinity
        #expect(best < 0, "one voice was cut in two (ΔBIC \(best))")

        let two = SpeakerChanges.RunningTotals(Self.frames(200, mean: 0, spread: 1, seed: 2) + Self.frames(200, mean: 1.5, spread: 1.6, seed: 3))
        let scores = (100..<300).map { ($0, two.deltaBIC(cut: $0, penalty: 1)) }
        let peak = scores.max { $0.1 < $1.1 }!
        #expect(peak.1 > 0 && abs(peak.0 - 200) <= 10, "the change at frame 200 was placed at \(peak.0) (ΔBIC \(peak.1))")
    }

    @Test func aStretchTooShortForTwoSidesIsLeftWhole() {
        let words = (0..<5).map { RecognizedWord(text: "w\($0)", start: Double($0) * 0.3, end: Double($0) * 0.3 + 0.25) }
        let audio = MonoAudio(samples: [Int16](repeating: 0, count: 16_000 * 2))
        #expect(SpeakerChanges.split(words, audio: audio).count == 1)
    }
}
