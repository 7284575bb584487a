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

    /// One component's state, as `/health` and the portal's dashboard show it.
    struct Component: Sendable {
        var name: String
        var ok: Bool
        var detail: String
    }

    private func health() async -> Response {
        let components = await components()
        let degraded = components.contains { !$0.ok }
        let policy = runtime.policyState.policy
        let body = JSONValue.object([
            ("status", .string(degraded ? "degraded" : "ok")),
            ("components", .object(components.map { ($0.name, .object([("status", .string($0.ok ? "ok" : "down")), ("detail", .string($0.detail))])) })),
            ("policy", .object([("name", .string(policy.name)), ("version", .int(policy.version))])),
        ])
        return JSONResponse.make(body, status: degraded ? .serviceUnavailable : .ok)
    }

    /// Every component's state, probed now (within about a second).
    func components() async -> [Component] {
        var components: [Component] = []
        func component(_ name: String, _ ok: Bool, _ detail: String) {
            components.append(Component(name: name, ok: ok, detail: detail))
        }
        // The stores are asked at the same time, each within `probeLimit`, so /health answers
        // within a second whatever a database does.
        async let database = Self.storeStatus(store.health, what: "server database", read: {
            if await !store.ping() { throw ProbeFailed() }
        }, write: { try await store.probeWrite() })
        async let vaultStatus = Self.vaultStatus(runtime.vault)
        // Asked on the log's own queue, which a write stuck on the disk holds: bounded too.
        async let auditStatus = Self.boundedAuditStatus(runtime.audit)
        let (dbOK, dbDetail) = await database
        component("db", dbOK, dbDetail)
        if let (ok, detail) = await vaultStatus {
            component("vault", ok, detail)
        } else {
            component("vault", true, "not used (reversible-aead)")
        }
        if let (ok, detail) = await auditStatus {
            component("audit_log", ok, detail)
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
        return components
    }

    /// How long each store's probe may take: the whole of /health stays under a second.
    static let probeLimit: Duration = .milliseconds(800)

    struct ProbeFailed: Error {}

    /// A store's status: down when its last real read, write or connection failed and has not
    /// worked since (a probe runs first: a `write` after a failed write, else a `read`, so a store
    /// that recovered says so), or when the probe fails or does not answer within `probeLimit`.
    /// The detail names the operation, when it failed and the store's reason (paths, SQLSTATEs;
    /// never values).
    static func storeStatus(_ health: OperationHealth?, what: String, read: @escaping @Sendable () async throws -> Void,
                            write: @escaping @Sendable () async throws -> Void) async -> (Bool, String) {
        let probe = health?.failures.contains(where: { $0.operation == .write }) == true ? write : read
        let probeError: (any Error)?
        do {
            try await withAbandoningDeadline(probeLimit, timeoutError: { ProbeTimedOut() }, probe)
            probeError = nil
        } catch {
            probeError = error
        }
        if let failure = health?.failures.last {
            return (false, "\(what): the last \(failure.operation.rawValue) failed at \(UTCTimestamp.format(failure.at)): \(failure.reason)")
        }
        switch probeError {
        case nil: return (true, what)
        case is ProbeTimedOut: return (false, "\(what): no answer within \(Int(probeLimit.milliseconds)) ms")
        case let error?: return (false, "\(what): the probe failed: \(Self.describe(error))")
        }
    }

    struct ProbeTimedOut: Error {}

    static func vaultStatus(_ vault: (any VaultStore)?) async -> (Bool, String)? {
        guard let vault else { return nil }
        let what = vault is SQLiteVaultStore ? "sqlite vault" : vault is PostgresVaultStore ? "postgresql vault" : "vault"
        // A lookup of a token that cannot exist: a real read (an empty list is answered without one).
        return await storeStatus(vault.health, what: what, read: { _ = try await vault.entries(forTokens: ["health-probe"]) },
                                 write: { try await vault.probeWrite() })
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as VaultUnavailable: error.reason
        case let error as ServerStoreError: error.description
        default: "\(type(of: error))"
        }
    }

    /// `auditStatus` within `probeLimit`: it is asked on the log's own queue, which a write stuck
    /// on the disk holds. Nil when there is no log.
    static func boundedAuditStatus(_ audit: (any AuditStore)?) async -> (Bool, String)? {
        guard let audit else { return nil }
        return (try? await withAbandoningDeadline(probeLimit, timeoutError: { ProbeTimedOut() }) { await audit.status() })
            ?? (false, "no answer within \(Int(probeLimit.milliseconds)) ms: a write is stuck (the disk, or the database)")
    }

    /// Whether the `gemma` pass looks for anything under this policy (as the CLI asks): a policy
    /// that lists the pass but turns NER off for every kind does not need the model.
    static func needsNERModel(_ pipeline: DetectionPipeline) -> Bool {
        !pipeline.gemmaKinds.isEmpty
    }
}
