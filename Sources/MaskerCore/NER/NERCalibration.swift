/// Maps the tagger's raw span score to the precision spans with that score had on held-out data,
/// so a policy's `confidence_threshold: 0.7` keeps spans that were right about 70% of the time.
///
/// Built by binning held-out spans by score and making precision non-decreasing in score (the
/// pool-adjacent-violators step of isotonic regression): a higher score never means a lower
/// confidence.
public struct NERCalibration: Sendable, Equatable {
    /// Ascending lower bounds of the score bins and each bin's precision.
    public var bounds: [Float]
    public var precisions: [Float]

    public init(bounds: [Float], precisions: [Float]) {
        self.bounds = bounds
        self.precisions = precisions
    }

    /// Confidence for a raw score: the precision of its bin (below the first bin, the first bin's).
    public func confidence(_ score: Float) -> Double {
        guard !bounds.isEmpty else { return 0.5 }
        var low = 0, high = bounds.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if bounds[mid] <= score { low = mid } else { high = mid - 1 }
        }
        return Double(precisions[low])
    }

    /// From (score, was the span right) pairs: about `bins` equal-count bins.
    public static func fit(_ samples: [(score: Float, correct: Bool)], bins: Int = 20) -> NERCalibration {
        guard !samples.isEmpty else { return NERCalibration(bounds: [], precisions: []) }
        let sorted = samples.sorted { $0.score < $1.score }
        let size = max(1, sorted.count / bins)
        var blocks: [(bound: Float, right: Double, total: Double)] = []
        var index = 0
        while index < sorted.count {
            let end = min(sorted.count, index + size)
            let slice = sorted[index..<end]
            blocks.append((slice.first!.score, Double(slice.filter(\.correct).count), Double(slice.count)))
            index = end
        }
        // Pool adjacent violators: merge a bin into the one before while its precision is lower.
        var pooled: [(bound: Float, right: Double, total: Double)] = []
        for block in blocks {
            pooled.append(block)
            while pooled.count > 1, pooled[pooled.count - 1].right / pooled[pooled.count - 1].total
                    < pooled[pooled.count - 2].right / pooled[pooled.count - 2].total {
                let last = pooled.removeLast()
                pooled[pooled.count - 1].right += last.right
                pooled[pooled.count - 1].total += last.total
            }
        }
        return NERCalibration(bounds: pooled.map(\.bound), precisions: pooled.map { Float($0.right / $0.total) })
    }
}
