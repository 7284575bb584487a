import Logging
import MaskerCore
import OTel
import ServiceLifecycle
import Tracing

/// Each proxied turn as OpenTelemetry spans, exported over OTLP/HTTP when the server is given a
/// collector (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): a
/// `masker.turn` span per turn with a child per stage (`masker.mask`, `masker.commit`,
/// `masker.upstream`, `masker.rehydrate` or `masker.stream`, `masker.record`).
///
/// Attributes say what and how much, never what was said: the agent's id, the front door, whether
/// it streamed, how many texts and spans by kind, the tokens restored, the status or error code.
/// The tracer is the server's own (not the process-wide `InstrumentationSystem`), so nothing else
/// in the process emits spans through it, and several servers in one test process each have theirs.
struct TurnTracing: Sendable {
    let tracer: (any Tracer)?

    static let off = TurnTracing(tracer: nil)

    /// The tracer and the exporter's background service for `endpoint` (an OTLP/HTTP base URL or
    /// traces URL); the service must run beside the server for spans to leave.
    static func exporting(to endpoint: String, serviceName: String = "masker", scheduleDelay: Duration = .seconds(1),
                          logger: Logger) throws -> (TurnTracing, any Service) {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = endpoint
        configuration.traces.batchSpanProcessor.scheduleDelay = scheduleDelay
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        return (TurnTracing(tracer: backend.factory), backend.service)
    }

    /// A turn's root span, or nil when tracing is off.
    func turn(frontDoor: String, agentID: String, stream: Bool) -> TurnTrace {
        guard let tracer else { return TurnTrace(root: nil, tracer: nil) }
        let span = tracer.startSpan("masker.turn", context: .topLevel, ofKind: .server)
        span.attributes["masker.front_door"] = frontDoor
        span.attributes["masker.agent_id"] = agentID
        span.attributes["masker.stream"] = stream
        return TurnTrace(root: span, tracer: tracer)
    }
}

/// One turn's spans: its root and the stages started under it. Every method is free when tracing
/// is off (no root).
struct TurnTrace: Sendable {
    let root: (any Span)?
    let tracer: (any Tracer)?

    /// A stage's span, started now under the turn's; end it when the stage ends.
    func stage(_ name: String) -> (any Span)? {
        guard let root, let tracer else { return nil }
        return tracer.startSpan(name, context: root.context, ofKind: .internal)
    }

    /// Counts by kind as attributes (`masker.spans.PHONE` = 2), and their total.
    static func count(_ results: [MaskResult], on span: (any Span)?) {
        guard let span else { return }
        var kinds: [String: Int] = [:]
        for result in results {
            for replacement in result.replacements { kinds[replacement.detection.kind.rawValue, default: 0] += 1 }
        }
        for (kind, count) in kinds { span.attributes["masker.spans.\(kind)"] = count }
        span.attributes["masker.spans"] = kinds.values.reduce(0, +)
    }

    /// Ends the turn: its status (`ok`, or an error code, which marks the span failed).
    func end(status: String) {
        guard let root else { return }
        root.attributes["masker.status"] = status
        if status != "ok" { root.setStatus(SpanStatus(code: .error)) }
        root.end()
    }
}
