import Foundation

/// Where one speaker cuts in on another with no pause: a stretch of speech is cut at the word
/// boundary where the Bayesian information criterion (Chen and Gopalakrishnan, 1998) most prefers
/// two Gaussians (one per side) over one for its MFCC frames, while it does; each side is then
/// searched again. A cut is made only with `minimumSide` seconds of frames on each side, enough
/// for a full covariance of 12 coefficients. A cut inside one speaker's speech costs little:
/// `MonoDiarizer` clusters the pieces afterwards and puts both halves back together.
///
/// ΔBIC(t) = N/2·log|Σ| − N₁/2·log|Σ₁| − N₂/2·log|Σ₂| − λ·½·(d + d(d+1)/2)·log N, with frame sums
/// and outer products kept as running totals so every candidate boundary costs one d×d Cholesky
/// factorisation.
enum SpeakerChanges {
    static let minimumSide = 1.0
    /// λ, the penalty weight: 1, the criterion as published. Chosen on a development set that is
    /// not the project's fixtures (12 MTS-Dialog conversations rendered with flite, two voice
    /// pairs, with and without pauses between turns; docs/voice.md): λ = 1 had the lowest mean
    /// and worst-case error of 1, 1.25 and 1.5.
    static let penalty = 1.0

    static func split(_ piece: [RecognizedWord], audio: MonoAudio) -> [[RecognizedWord]] {
        guard piece.count >= 2, let first = piece.first, let last = piece.last, last.end - first.start >= 2 * minimumSide else { return [piece] }
        // The coefficients but the first (the level, which says more about the line than the voice).
        let frames = Cepstrum.mfcc(audio.slice(from: first.start, to: last.end)).map { Array($0.dropFirst()) }
        let totals = RunningTotals(frames)
        let secondsPerFrame = Double(Cepstrum.hop) / Double(MonoAudio.sampleRate)
        let least = Int(minimumSide / secondsPerFrame)
        var best: (word: Int, score: Double)?
        for boundary in 1..<piece.count {
            let time = (piece[boundary - 1].end + piece[boundary].start) / 2 - first.start
            let cut = Int(time / secondsPerFrame)
            guard cut >= least, frames.count - cut >= least else { continue }
            let score = totals.deltaBIC(cut: cut, penalty: penalty)
            if score > (best?.score ?? 0) { best = (boundary, score) }
        }
        guard let best else { return [piece] }
        return split(Array(piece[..<best.word]), audio: audio) + split(Array(piece[best.word...]), audio: audio)
    }

    /// Prefix sums of the frames and of their outer products: any stretch's mean and covariance
    /// in O(d²).
    struct RunningTotals {
        let dimensions: Int
        let count: Int
        private var sums: [[Double]] = []
        private var products: [[Double]] = []

        init(_ frames: [[Double]]) {
            dimensions = frames.first?.count ?? 0
            count = frames.count
            var sum = [Double](repeating: 0, count: dimensions), product = [Double](repeating: 0, count: dimensions * dimensions)
            sums.reserveCapacity(count + 1)
            products.reserveCapacity(count + 1)
            sums.append(sum)
            products.append(product)
            for frame in frames {
                for i in 0..<dimensions {
                    sum[i] += frame[i]
                    for j in 0...i { product[i * dimensions + j] += frame[i] * frame[j] }
                }
                sums.append(sum)
                products.append(product)
            }
        }

        /// log |Σ| of frames `range`, with a floor on the diagonal so a near-constant coefficient
        /// cannot make it −∞.
        func logDeterminant(_ range: Range<Int>) -> Double {
            let n = Double(range.count), d = dimensions
            var matrix = [Double](repeating: 0, count: d * d)
            for i in 0..<d {
                let mean = (sums[range.upperBound][i] - sums[range.lowerBound][i]) / n
                for j in 0...i {
                    let other = (sums[range.upperBound][j] - sums[range.lowerBound][j]) / n
                    let value = (products[range.upperBound][i * d + j] - products[range.lowerBound][i * d + j]) / n - mean * other
                    matrix[i * d + j] = value
                    matrix[j * d + i] = value
                }
                matrix[i * d + i] = max(matrix[i * d + i], 0) + 1e-6
            }
            // Cholesky: log|Σ| = 2 Σ log Lᵢᵢ.
            var logDet = 0.0
            for j in 0..<d {
                var diagonal = matrix[j * d + j]
                for k in 0..<j { diagonal -= matrix[j * d + k] * matrix[j * d + k] }
                guard diagonal > 1e-12 else { return logDet + Double(d - j) * log(1e-12) }
                let root = diagonal.squareRoot()
                matrix[j * d + j] = root
                logDet += 2 * log(root)
                for i in (j + 1)..<d {
                    var value = matrix[i * d + j]
                    for k in 0..<j { value -= matrix[i * d + k] * matrix[j * d + k] }
                    matrix[i * d + j] = value / root
                }
            }
            return logDet
        }

        func deltaBIC(cut: Int, penalty: Double) -> Double {
            let n = Double(count), left = Double(cut), right = Double(count - cut), d = Double(dimensions)
            let gain = n / 2 * logDeterminant(0..<count) - left / 2 * logDeterminant(0..<cut) - right / 2 * logDeterminant(cut..<count)
            return gain - penalty * 0.5 * (d + d * (d + 1) / 2) * log(n)
        }
    }
}
