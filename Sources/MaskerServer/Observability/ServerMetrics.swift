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

    public init() {
        vaultSize = registry.makeGauge(name: "masker_vault_size_bytes", labels: [], help: "Size of the vault database file(s) in bytes")
    }

    func request(agent: String, status: Int) {
        registry.makeCounter(name: "masker_requests_total", labels: [("agent", agent), ("status", String(status))],
                             help: "Proxied requests by agent and HTTP status").increment()
    }

    func stage(_ stage: String, _ duration: Duration) {
        registry.makeDurationHistogram(name: "masker_request_duration_seconds", labels: [("stage", stage)], buckets: Self.buckets,
                                       help: "Time spent per stage of a proxied request").record(duration)
    }

    func redaction(kind: String, pass: String) {
        registry.makeCounter(name: "masker_redactions_total", labels: [("kind", kind), ("pass", pass)],
                             help: "Masked spans by entity kind and detection pass").increment()
    }

    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
