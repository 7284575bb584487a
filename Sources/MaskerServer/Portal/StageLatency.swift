import Foundation

/// Per-stage latency percentiles for the dashboard, read from the server's own Prometheus
/// histogram (`masker_request_duration_seconds`, since the process started): the same figures
/// `/metrics` gives a monitoring system, without one.
///
/// Parsed from the exposition text because swift-prometheus does not expose bucket counts; a
/// percentile is the upper bound of the bucket where the cumulative count reaches it, so it is as
/// precise as the buckets (50 µs to seconds) and never under the true value.
enum StageLatency {
    struct Row: Equatable {
        var stage: String
        var count: Int
        var p50: Double
        var p99: Double
    }

    static func rows(fromExposition text: String) -> [Row] {
        var buckets: [String: [(bound: Double, count: Int)]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("masker_request_duration_seconds_bucket{") {
            guard let stage = label("stage", in: line), let boundText = label("le", in: line),
                  let countText = line.split(separator: " ").last, let count = Int(countText) else { continue }
            let bound = boundText == "+Inf" ? Double.infinity : (Double(boundText) ?? .infinity)
            buckets[stage, default: []].append((bound, count))
        }
        return buckets.keys.sorted().compactMap { stage in
            let sorted = buckets[stage]!.sorted { $0.bound < $1.bound }
            guard let total = sorted.last?.count, total > 0 else { return nil }
            func percentile(_ share: Double) -> Double {
                let wanted = Int((Double(total) * share).rounded(.up))
                return sorted.first { $0.count >= wanted }?.bound ?? .infinity
            }
            return Row(stage: stage, count: total, p50: percentile(0.5), p99: percentile(0.99))
        }
    }

    /// The value of `name="…"` in a sample line.
    private static func label(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: name + "=\"") else { return nil }
        let rest = line[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// "≤ 0.25 ms", "≤ 1 ms", "> 10 s": a bucket bound as the dashboard shows it.
    static func format(_ seconds: Double) -> String {
        if seconds.isInfinite { return "over the largest bucket" }
        if seconds < 1 { return "≤ " + String(format: seconds * 1000 < 1 ? "%.2f ms" : "%.0f ms", seconds * 1000) }
        return "≤ " + String(format: "%.1f s", seconds)
    }
}
