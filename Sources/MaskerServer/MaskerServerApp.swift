import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import ServiceLifecycle
import Logging
import MaskerCore
import MaskerStore

/// What a running server is made of; `masker serve` builds it from the environment, tests build it
/// from scratch directories.
public struct ServerDependencies: Sendable {
    public var runtime: MaskingRuntime
    public var store: any ServerStore
    public var configuration: ServerConfiguration
    public var metrics: ServerMetrics
    public var logger: Logger
    /// Signs the reports made in the portal (`MASKER_REPORT_SIGNING_KEY`); nil: the portal cannot
    /// make reports, and says how to enable them.
    public var reportSigningKey: Curve25519.Signing.PrivateKey?

    public init(runtime: MaskingRuntime, store: any ServerStore, configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics(),
                logger: Logger, reportSigningKey: Curve25519.Signing.PrivateKey? = nil) {
        self.runtime = runtime
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.reportSigningKey = reportSigningKey
    }
}

/// Routes and application: the one place that says which URL does what.
public enum MaskerServerApp {
    /// What every front door shares: the agents, the detector and the turn pipeline.
    struct FrontDoors {
        let agents: AgentCache
        let detector: TurnDetector
        let pipeline: TurnPipeline

        init(_ dependencies: ServerDependencies, httpClient: HTTPClient, recorder: SessionRecorder, tracing: TurnTracing) {
            agents = AgentCache(store: dependencies.store)
            detector = TurnDetector(endpoint: dependencies.configuration.gemmaEndpoint.map {
                GemmaEndpoint(configuration: $0, client: httpClient, logger: dependencies.logger)
            }, cache: DetectionCache(), localTimeout: dependencies.configuration.detectionTimeout, slots: DetectionSlots())
            pipeline = TurnPipeline(runtime: dependencies.runtime, sessions: recorder, metrics: dependencies.metrics, detector: detector,
                                    history: CallHistory(), upstreams: Upstreams(configuration: dependencies.configuration, httpClient: httpClient),
                                    upstreamTimeout: dependencies.configuration.upstreamTimeout, tracing: tracing)
        }
    }

    static func router(_ dependencies: ServerDependencies, doors: FrontDoors, recorder: SessionRecorder) -> Router<MaskerRequestContext> {
        let router = Router(context: MaskerRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        let detector = doors.detector, agents = doors.agents, pipeline = doors.pipeline
        let health = HealthRoutes(runtime: dependencies.runtime, store: dependencies.store, metrics: dependencies.metrics, detector: detector)
        health.register(router)

        let agentAPI = AgentRoutes(store: dependencies.store, agents: agents, runtime: dependencies.runtime, configuration: dependencies.configuration)
        let proxy = ProxyService(agents: agents, configuration: dependencies.configuration, metrics: dependencies.metrics,
                                 rateLimiter: RateLimiter(limit: dependencies.configuration.rateLimitPerMinute), pipeline: pipeline)
        router.post("proxy/{agent}/v1/chat/completions") { request, context in
            try await proxy.chatCompletions(request, context: context, agentID: try context.parameters.require("agent"))
        }
        router.post("proxy/{agent}/v1/responses") { request, context in
            try await proxy.responses(request, context: context, agentID: try context.parameters.require("agent"))
        }
        router.get("proxy/{agent}/v1/models") { _, context in
            try await proxy.models(agentID: try context.parameters.require("agent"))
        }
        VapiWebhookRoutes(proxy: proxy, configuration: dependencies.configuration).register(router)

        // Only the API authenticates callers. Proxy requests carry the caller's model key in
        // `Authorization` (passed upstream), which must not cost a token lookup on every turn.
        let api = router.group("api/v1").add(middleware: AccountAuthenticator(store: dependencies.store))
        let login = LoginService(store: dependencies.store, configuration: dependencies.configuration)
        AuthRoutes(login: login, configuration: dependencies.configuration).register(api)
        agentAPI.register(api)
        SessionRoutes(store: dependencies.store, recorder: recorder).register(api)
        TokenRoutes(store: dependencies.store).register(api)
        TextRoutes(runtime: dependencies.runtime, configuration: dependencies.configuration, detector: detector, agents: agents).register(api)
        let transcripts = TranscriptService(runtime: dependencies.runtime, store: dependencies.store, agents: agents,
                                            settings: dependencies.configuration.transcripts)
        TranscriptRoutes(service: transcripts).register(api)
        AdminRoutes(runtime: dependencies.runtime).register(api)
        // The portal: server-rendered pages on the same log-in sessions (docs/portal.md).
        PortalRoutes(login: login, runtime: dependencies.runtime, configuration: dependencies.configuration,
                     health: health).register(router)
        PortalAgentRoutes(store: dependencies.store, api: agentAPI, agents: agents, runtime: dependencies.runtime,
                          configuration: dependencies.configuration).register(router)
        PortalPlaygroundRoutes(store: dependencies.store, runtime: dependencies.runtime).register(router)
        PortalSettingsRoutes(store: dependencies.store).register(router)
        PortalSessionRoutes(store: dependencies.store, recorder: recorder, payloadKey: dependencies.runtime.audit?.recordKey).register(router)
        PortalPolicyRoutes(store: dependencies.store, runtime: dependencies.runtime).register(router)
        PortalAuditRoutes(store: dependencies.store, runtime: dependencies.runtime).register(router)
        PortalReportRoutes(store: dependencies.store, runtime: dependencies.runtime, signingKey: dependencies.reportSigningKey).register(router)
        PortalTranscriptRoutes(store: dependencies.store, runtime: dependencies.runtime, service: transcripts).register(router)
        return router
    }

    /// Runs until SIGTERM/SIGINT, then lets requests in flight finish (service-lifecycle's
    /// graceful shutdown). `onReady` gets the bound port (useful with port 0).
    public static func run(_ dependencies: ServerDependencies, onReady: @escaping @Sendable (Int) async -> Void = { _ in },
                           onRetellReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let connections = dependencies.configuration.upstreamMaxConnections
        if let files = OpenFileLimit.raiseToHardLimit(), files < UInt64(2 * connections) {
            // Each call in flight holds two descriptors: its caller's connection and its upstream's.
            dependencies.logger.warning("""
                the open-file limit (\(files)) is below two per upstream connection allowed (MASKER_UPSTREAM_MAX_CONNECTIONS=\(connections)): \
                busy moments may refuse connections; raise the hard limit (ulimit -Hn, LimitNOFILE= in systemd) or lower the variable
                """)
        }
        let httpClient = UpstreamClient.make(dependencies.configuration)
        let recorder = SessionRecorder(store: dependencies.store, logger: dependencies.logger)
        let listen = dependencies.configuration.listen
        let configuration = dependencies.configuration
        let cap = ConnectionCap(limit: configuration.maxConnectionsPerAddress)
        var services: [any Service] = []
        var tracing = TurnTracing.off
        if let endpoint = configuration.tracesEndpoint {
            let exporter: any Service
            (tracing, exporter) = try TurnTracing.exporting(to: endpoint, logger: dependencies.logger)
            services.append(exporter)
        }
        let doors = FrontDoors(dependencies, httpClient: httpClient, recorder: recorder, tracing: tracing)
        let app = Application(
            router: router(dependencies, doors: doors, recorder: recorder),
            // Per connection: its place under the per-address cap, the JSON answer to a request the
            // parser rejects, the slow-client deadlines, and the watcher that cancels a call whose
            // client hung up.
            server: .http1(configuration: .init(additionalChannelHandlers: [
                ConnectionCap.Slot(cap),
                ParserErrorResponder(),
                ClientDeadlines(idle: configuration.clientIdleTimeout, body: configuration.requestBodyTimeout),
                DisconnectWatcher(),
            ])),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "masker"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? listen.port) },
            logger: dependencies.logger
        )
        do {
            services.append(app)
            if let retell = configuration.retellListen {
                // Retell's WebSocket has a listener of its own (`RetellServer` says why).
                services.append(RetellServer.application(dependencies, pipeline: doors.pipeline, agents: doors.agents, address: retell,
                                                         onReady: onRetellReady))
            }
            // All stop together; the trace exporter last, once the turns in flight have ended.
            try await ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                        gracefulShutdownSignals: [.sigterm, .sigint], logger: dependencies.logger)).run()
        } catch {
            await recorder.flush()
            try? await httpClient.shutdown()
            throw error
        }
        // Requests have finished; their session counts go to the database before the process ends.
        await recorder.flush()
        try await httpClient.shutdown()
    }
}
