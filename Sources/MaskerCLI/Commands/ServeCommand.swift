import ArgumentParser
import Crypto
import Foundation
import Logging
import MaskerCore
import MaskerServer
import MaskerStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the OpenAI-compatible masking proxy and the REST API.",
        discussion: """
        Listens on MASKER_LISTEN_ADDR (default 127.0.0.1:8080) with its data in MASKER_DATA_DIR: the \
        server database (accounts, users, API tokens, agents, sessions: MASKER_SERVER_DB_PATH, default \
        server.sqlite, or the PostgreSQL database of MASKER_DATABASE_URL, beside the vault), \
        the vault and the audit log. SIGTERM or SIGINT stops it gracefully: requests in flight finish.

        Voice platforms point their custom-LLM URL at http://HOST/proxy/<agent_id>/v1 (chat completions, \
        or the Responses API at …/v1/responses); Retell's custom-LLM WebSocket is served at \
        /retell/<agent_id>/<call_id> on MASKER_RETELL_LISTEN_ADDR (unset: off). Create an agent \
        with `masker agents create` or POST /api/v1/agents, authenticating with a token from `masker admin \
        token`; people log in with users made by `masker users create`. docs/integrations.md has each \
        platform's settings.

        Environment: MASKER_UPSTREAM_TIMEOUT_MS (30000), MASKER_UPSTREAM_MAX_CONNECTIONS (1024 per upstream host), \
        MASKER_OPENAI_BASE_URL, MASKER_OPENAI_API_KEY, MASKER_AZURE_OPENAI_ENDPOINT, \
        MASKER_AZURE_OPENAI_API_VERSION (2024-10-21) and MASKER_AZURE_OPENAI_API_KEY for azure-openai:<deployment> \
        agents, OTEL_EXPORTER_OTLP_ENDPOINT (each turn's stages as OpenTelemetry spans over OTLP/HTTP), \
        MASKER_VAPI_WEBHOOK_SECRET, MASKER_PUBLIC_URL (https there makes the log-in cookie Secure), \
        MASKER_MAX_BODY_BYTES, MASKER_RATE_LIMIT_PER_MINUTE (600), MASKER_LOGIN_ATTEMPTS_PER_MINUTE (10), \
        MASKER_LOGIN_TTL_HOURS (12), MASKER_LOG_LEVEL (info), MASKER_LOG_FORMAT (text|json). Logs never carry request text. \
        Slow clients: MASKER_CLIENT_IDLE_TIMEOUT_MS (60000), MASKER_REQUEST_BODY_TIMEOUT_MS (30000), \
        MASKER_MAX_CONNECTIONS_PER_ADDRESS (512). Databases: MASKER_DATABASE_QUERY_TIMEOUT_MS and \
        MASKER_DATABASE_CONNECT_TIMEOUT_MS (2000 each: a PostgreSQL outage answers 503 within them, and the \
        server reconnects within 250 ms of the database's return), MASKER_SQLITE_BUSY_TIMEOUT_MS (2000). \
        GET /health reports each store's last real failure.

        The gemma pass runs on the embedded model, or on an OpenAI-compatible chat endpoint with \
        MASKER_GEMMA_URL and MASKER_GEMMA_MODEL (MASKER_GEMMA_API_KEY); a turn whose call fails uses the \
        embedded model and records a detection_fallback audit event. MASKER_DETECTION_TIMEOUT_MS (200) \
        bounds that call and, apart, a turn's local passes (plus 1 ms per KiB of text): past it the turn \
        is refused with 503 detection_timeout.

        Exit codes: 0 after a graceful stop, 1 when the server cannot start (a port in use, an unusable \
        vault, audit log or database), 3 when the policy is invalid or its key is missing.
        """
    )

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let configuration: ServerConfiguration
        let logger = try mapped { () throws in try LogSetup.logger(environment: context.environment) }
        configuration = try mapped { () throws in try ServerConfiguration.from(environment: context.environment) }
        let policy = try context.loadPolicy().policy
        // The NER model loads before the server listens, so no caller's first turn pays for it and
        // "ready" (/health answering) means ready. A model that cannot load is reported by /health.
        if !DetectionPipeline(policy: policy).gemmaKinds.isEmpty, case let .failure(problem) = EmbeddedNER.shared {
            logger.warning("the gemma pass has no embedded model: \(problem.description)")
        }
        let schemes = try TokenSchemes(policy: policy, context: context)
        let vault: (any VaultStore)? = policy.tokenization == .reversibleAEAD && context.environment["MASKER_DATABASE_URL"] == nil
            ? nil : try await schemes.vault()
        let audit: (any AuditStore)? = policy.audit.logEvents ? try await AuditTrail.open(context) : nil
        let location = ServerStoreLocation.from(environment: context.environment, dataDirectory: context.dataDirectory)
        let store: any ServerStore
        let timeouts = try context.storeTimeouts
        do {
            store = try await location.open(timeouts: timeouts, logger: logger)
        } catch {
            await vault?.close()
            throw CLIFailure(.error, "\(error); check MASKER_DATABASE_URL or MASKER_SERVER_DB_PATH")
        }
        let loaderContext = context
        let runtime = MaskingRuntime(policy: policy, loader: { try loaderContext.loadPolicy().policy }, keyRing: schemes.keyRing,
                                     devMode: context.devMode, vault: vault, audit: audit, logger: logger)
        let dependencies = ServerDependencies(runtime: runtime, store: store, configuration: configuration, logger: logger,
                                              reportSigningKey: try Self.reportSigningKey(context, logger: logger))
        do {
            try await MaskerServerApp.run(dependencies) { port in
                logger.notice("masker serve listening on http://\(configuration.listen.host):\(port) (policy \(policy.name) v\(policy.version))")
                // Where the record goes (a path, or the database without its password): an operator
                // running replicas checks they all name the same chain.
                logger.notice("audit chain: \(audit?.location ?? "off (audit.log_events: false)")")
                if let gemma = configuration.gemmaEndpoint {
                    // The model and the bound only: the URL may carry credentials.
                    logger.notice("gemma pass on an LLM endpoint (model \(gemma.model), \(Int(gemma.timeout.milliseconds)) ms a turn, then the embedded model)")
                }
            }
        } catch {
            await vault?.close()
            await store.close()
            throw CLIFailure(.error, "the server stopped: \(error); if the port is in use, set MASKER_LISTEN_ADDR")
        }
        await vault?.close()
        await store.close()
    }

    private func mapped<T>(_ body: () throws -> T) throws(CLIFailure) -> T {
        do {
            return try body()
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
    }

    /// The key the portal signs reports with: `MASKER_REPORT_SIGNING_KEY` (a bad one stops the
    /// server, as a bad vault key does), a generated one in dev mode, or none (the portal's
    /// reports page then says what to set).
    static func reportSigningKey(_ context: CommandContext, logger: Logger) throws -> Curve25519.Signing.PrivateKey? {
        let configuration = context.auditConfiguration
        let configured = !(context.environment[AuditConfiguration.signingKeyVariable] ?? "").isEmpty
        guard configured || context.devMode else {
            logger.notice("portal reports are off: set MASKER_REPORT_SIGNING_KEY to sign them")
            return nil
        }
        do {
            return try configuration.signingKey().key
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
    }
}
