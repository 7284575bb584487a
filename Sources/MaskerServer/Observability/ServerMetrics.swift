import Foundation
import Prometheus
import Synchronization

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

    /// Each metric once it has been made, by its label values. Why: asking the registry for it
    /// on every observation built its name and label list again and looked it up under the
    /// registry's lock, about fifty allocations a proxied turn (`bench/allocations.sh`). The label
    /// values are bounded (agents, statuses, stages, kinds, passes), and the registry keeps every
    /// metric it has made anyway.
    private let requestCounters = Mutex<[LabelPair: Counter]>([:])
    private let stageHistograms = Mutex<[String: DurationHistogram]>([:])
    private let redactionCounters = Mutex<[LabelPair: Counter]>([:])

    /// Two label values as a key, without joining them into a new string.
    private struct LabelPair: Hashable {
        var first: String
        var second: String
    }

    func request(agent: String, status: Int) {
        handle(LabelPair(first: agent, second: String(status)), in: requestCounters) {
            registry.makeCounter(descriptor: Self.requests, labels: [("agent", agent), ("status", String(status))])
        }.increment()
    }

    func stage(_ stage: String, _ duration: Duration) {
        handle(stage, in: stageHistograms) {
            registry.makeDurationHistogram(descriptor: Self.stageDuration, labels: [("stage", stage)], buckets: Self.buckets)
        }.record(duration)
    }

    func redaction(kind: String, pass: String) {
        handle(LabelPair(first: kind, second: pass), in: redactionCounters) {
            registry.makeCounter(descriptor: Self.redactions, labels: [("kind", kind), ("pass", pass)])
        }.increment()
    }

    private func handle<Key: Hashable & Sendable, Metric: Sendable>(_ key: Key, in handles: borrowing Mutex<[Key: Metric]>, make: () -> Metric) -> Metric {
        handles.withLock { handles in
            if let made = handles[key] { return made }
            let made = make()
            handles[key] = made
            return made
        }
    }

    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
