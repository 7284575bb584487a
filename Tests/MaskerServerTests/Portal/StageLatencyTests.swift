@testable import MaskerServer
import Testing

struct StageLatencyTests {
    /// Percentiles are the upper bound of the bucket where the cumulative count reaches them.
    @Test func percentilesComeFromTheCumulativeBuckets() {
        let text = """
        # HELP masker_request_duration_seconds Time spent per stage of a proxied request
        # TYPE masker_request_duration_seconds histogram
        masker_request_duration_seconds_bucket{stage="detect",le="0.0005"} 60
        masker_request_duration_seconds_bucket{stage="detect",le="0.001"} 98
        masker_request_duration_seconds_bucket{stage="detect",le="0.005"} 100
        masker_request_duration_seconds_bucket{stage="detect",le="+Inf"} 100
        masker_request_duration_seconds_sum{stage="detect"} 0.05
        masker_request_duration_seconds_count{stage="detect"} 100
        masker_request_duration_seconds_bucket{stage="upstream",le="0.0005"} 0
        masker_request_duration_seconds_bucket{stage="upstream",le="+Inf"} 0
        masker_requests_total{agent="agt_x",status="200"} 100
        """
        let rows = StageLatency.rows(fromExposition: text)
        #expect(rows == [StageLatency.Row(stage: "detect", count: 100, p50: 0.0005, p99: 0.005)])
        #expect(StageLatency.format(0.0005) == "≤ 0.50 ms" && StageLatency.format(0.005) == "≤ 5 ms")
    }
}
