import Foundation
import MaskerCore

/// Two speakers in one channel, on the CPU with no downloaded model: the recognised words are cut
/// into pieces at pauses of `pause` seconds or more, and further where one speaker cuts in on the
/// other without one (`SpeakerChanges`: BIC change detection at word boundaries); each piece is
/// described by the mean and spread of its frames' MFCCs (`Cepstrum`), and the pieces are
/// clustered into two by average-linkage agglomerative clustering on standardised features.
///
/// Why this shape: turns in a call are mostly separated by pauses, which the recogniser already
/// finds, and clustering pause-bounded pieces was exact on calls with pauses; change detection
/// inside pieces brought calls without pauses from about half their speech misattributed to about
/// a tenth, at a small cost on calls with pauses (a piece split inside one speaker's turn can land
/// in the wrong cluster). Which cluster is the caller: by default the one that speaks second (an
/// inbound call opens with the agent's greeting; `--caller-speaks first` for outbound calls).
public enum MonoDiarizer {
    public static let pause = 0.4

    public static func speakers(_ words: [RecognizedWord], audio: MonoAudio, callerSpeaksFirst: Bool = false) -> [SpokenWord] {
        let pieces = split(words).flatMap { SpeakerChanges.split($0, audio: audio) }
        guard pieces.count >= 2 else { return words.map { SpokenWord($0, speaker: callerSpeaksFirst ? .caller : .agent) } }
        let features = pieces.map { piece in describe(audio.slice(from: piece.first!.start, to: piece.last!.end)) }
        let clusters = twoClusters(standardised(features), weights: pieces.map { $0.last!.end - $0.first!.start })
        let firstCluster = clusters[0]
        var spoken: [SpokenWord] = []
        for (piece, cluster) in zip(pieces, clusters) {
            let isFirst = cluster == firstCluster
            let speaker: Speaker = isFirst == callerSpeaksFirst ? .caller : .agent
            spoken += piece.map { SpokenWord($0, speaker: speaker) }
        }
        return spoken
    }

    static func split(_ words: [RecognizedWord]) -> [[RecognizedWord]] {
        var pieces: [[RecognizedWord]] = []
        for word in words {
            if let last = pieces.last?.last, word.start - last.end < pause {
                pieces[pieces.count - 1].append(word)
            } else {
                pieces.append([word])
            }
        }
        return pieces
    }

    /// Mean and standard deviation of each coefficient but the first (the level, which says more
    /// about the microphone than the voice).
    static func describe(_ samples: ArraySlice<Int16>) -> [Double] {
        let rows = Cepstrum.mfcc(samples)
        guard !rows.isEmpty else { return [Double](repeating: 0, count: 2 * (Cepstrum.coefficients - 1)) }
        var mean = [Double](repeating: 0, count: Cepstrum.coefficients), square = mean
        for row in rows {
            for k in row.indices { mean[k] += row[k]; square[k] += row[k] * row[k] }
        }
        let n = Double(rows.count)
        return (1..<Cepstrum.coefficients).map { mean[$0] / n } + (1..<Cepstrum.coefficients).map { k in
            max(square[k] / n - (mean[k] / n) * (mean[k] / n), 0).squareRoot()
        }
    }

    static func standardised(_ rows: [[Double]]) -> [[Double]] {
        guard let width = rows.first?.count else { return rows }
        var result = rows
        for column in 0..<width {
            let values = rows.map { $0[column] }
            let mean = values.reduce(0, +) / Double(values.count)
            let spread = max((values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot(), 1e-9)
            for row in result.indices { result[row][column] = (rows[row][column] - mean) / spread }
        }
        return result
    }

    /// A cluster number for each row: average linkage, merged until two clusters remain. Pieces
    /// shorter than a second weigh less in the linkage (their spectra are noisier).
    static func twoClusters(_ rows: [[Double]], weights: [Double]) -> [Int] {
        var clusters = rows.indices.map { [$0] }
        func distance(_ a: Int, _ b: Int) -> Double {
            zip(rows[a], rows[b]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        }
        func linkage(_ a: [Int], _ b: [Int]) -> Double {
            var sum = 0.0, total = 0.0
            for i in a { for j in b {
                let weight = min(weights[i], 1) * min(weights[j], 1)
                sum += weight * distance(i, j)
                total += weight
            } }
            return sum / max(total, 1e-9)
        }
        while clusters.count > 2 {
            var best = (0, 1, Double.infinity)
            for i in clusters.indices { for j in (i + 1)..<clusters.count {
                let d = linkage(clusters[i], clusters[j])
                if d < best.2 { best = (i, j, d) }
            } }
            clusters[best.0] += clusters[best.1]
            clusters.remove(at: best.1)
        }
        var labels = [Int](repeating: 0, count: rows.count)
        for (label, members) in clusters.enumerated() { for member in members { labels[member] = label } }
        return labels
    }
}
