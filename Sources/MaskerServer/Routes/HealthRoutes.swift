import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/health` (no auth: load balancers call it) and `/metrics` (Prometheus text).
struct HealthRoutes {
    let runtime: MaskingRuntime
    let store: any ServerStore
    let metrics: ServerMetrics
    let detector: TurnDetector

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("health") { _, _ in await health() }
        router.get("metrics") { _, _ in
            if let vault = runtime.vault as? SQLiteVaultStore { metrics.vaultSize.set(to: Double(vault.fileBytes)) }
            var buffer = ByteBuffer()
            buffer.writeString(metrics.exposition())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: buffer))
        }
    }

    private func health() async -> Response {
        var components: [(String, JSONValue)] = []
        var degraded = false
        func component(_ name: String, _ ok: Bool, _ detail: String) {
            degraded = degraded || !ok
            components.append((name, .object([("status", .string(ok ? "ok" : "down")), ("detail", .string(detail))])))
        }
        component("db", await store.ping(), "server database")
        if let vault = runtime.vault {
            // A lookup of a token that cannot exist: a real read (an empty list is answered without one).
            let reachable = (try? await vault.entries(forTokens: ["health-probe"])) != nil
            component("vault", reachable, vault is SQLiteVaultStore ? "sqlite" : "postgresql")
        } else {
            component("vault", true, "not used (reversible-aead)")
        }
        if let audit = runtime.audit {
            let directory = (audit.path as NSString).deletingLastPathComponent
            let poisoned = audit.poisoned != nil
            component("audit_log", !poisoned && FileManager.default.isWritableFile(atPath: directory),
                      poisoned ? "a write failed; fix the disk and restart" : "appending")
        } else {
            component("audit_log", true, "disabled by policy")
        }
        component("upstream", true, "checked per request (stub or openai)")
        // Degraded only when the policy wants the NER pass and the model could not load: names and
        // places would then reach the model unmasked. The reason names a file, never text.
        let wantsNER = Self.needsNERModel(runtime.policyState.pipeline)
        switch EmbeddedNER.shared {
        case .success(let recognizer):
            component("ner_model", true, "embedded model loaded (\(recognizer.model.lexicon.count) lexicon words)")
        case .failure(let problem):
            component("ner_model", !wantsNER, wantsNER ? problem.description : "not needed by the policy")
        }
        if let endpoint = detector.endpoint {
            // Never degraded on its account: a failed call falls back to the embedded model.
            let detail = switch endpoint.lastFailure {
            case nil: "model \(endpoint.configuration.model); the last call answered"
            case let failure?: "model \(endpoint.configuration.model); the last call failed (\(failure.reason)), so turns fell back to the embedded model"
            }
            component("gemma_endpoint", true, detail)
        }
        let policy = runtime.policyState.policy
        let body = JSONValue.object([
            ("status", .string(degraded ? "degraded" : "ok")), ("components", .object(components)),
            ("policy", .object([("name", .string(policy.name)), ("version", .int(policy.version))])),
        ])
        return JSONResponse.make(body, status: degraded ? .serviceUnavailable : .ok)
    }

    /// Whether the `gemma` pass looks for anything under this policy (as the CLI asks): a policy
    /// that lists the pass but turns NER off for every kind does not need the model.
    static func needsNERModel(_ pipeline: DetectionPipeline) -> Bool {
        !pipeline.gemmaKinds.isEmpty
    }
}
