import Foundation
import Prometheus

/// The `/metrics` families (Prometheus text format, through swift-prometheus). Labels are agent
/// ids, statuses, stage names, kinds and passes: never text, never a session id.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [.microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                      .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
                                      .seconds(5), .seconds(10)]
    let vaultSize: Gauge

    /// Each family's full name is masker_<metric>_<unit>. (Computed: swift-prometheus does not
    /// declare its descriptor `Sendable`, so it cannot be a stored static.)
    static var requests: MetricNameDescriptor {
        family("requests", "total", "Proxied requests by agent and HTTP status")
    }
    static var stageDuration: MetricNameDescriptor {
        family("request_duration", "seconds", "Time spent per stage of a proxied request")
    }
    static var redactions: MetricNameDescriptor {
        family("redactions", "total", "Masked spans by entity kind and detection pass")
    }
    static var vaultSizeBytes: MetricNameDescriptor {
        family("vault_size", "bytes", "Size of the vault database file(s) in bytes")
    }

    private static func family(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "masker", metricName: metric, unitName: unit, helpText: help)
    }

    public init() {
        vaultSize = registry.makeGauge(descriptor: Self.vaultSizeBytes, labels: [])
    }

    func request(agent: String, status: Int) {
        registry.makeCounter(descriptor: Self.requests, labels: [("agent", agent), ("status", String(status))]).increment()
    }

    func stage(_ stage: String, _ duration: Duration) {
        registry.makeDurationHistogram(descriptor: Self.stageDuration, labels: [("stage", stage)], buckets: Self.buckets).record(duration)
    }

    func redaction(kind: String, pass: String) {
        registry.makeCounter(descriptor: Self.redactions, labels: [("kind", kind), ("pass", pass)]).increment()
    }

    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
