/// Settles overlapping detections so each stretch of text has one span: the most confident wins,
/// then the longest, then the earliest. O(n log n): accepted spans are kept sorted and each
/// candidate is checked against its neighbours only, so a long input with many spans stays linear-ish.
enum SpanMerger {
    static func merge(_ detections: [Detection]) -> [Detection] {
        let ranked = detections.sorted {
            if $0.confidence != $1.confidence { return $0.confidence > $1.confidence }
            if $0.length != $1.length { return $0.length > $1.length }
            return $0.start < $1.start
        }
        var accepted: [Detection] = [] // sorted by start, non-overlapping
        accepted.reserveCapacity(ranked.count)
        for detection in ranked where detection.length > 0 {
            // First accepted span starting at or after this one's start.
            var low = 0, high = accepted.count
            while low < high {
                let mid = (low + high) / 2
                if accepted[mid].start < detection.start { low = mid + 1 } else { high = mid }
            }
            if low < accepted.count, accepted[low].start < detection.end { continue }
            if low > 0, accepted[low - 1].end > detection.start { continue }
            accepted.insert(detection, at: low)
        }
        return accepted
    }
}
