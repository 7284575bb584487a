import ArgumentParser
import Foundation
import MaskerCore
import MaskerServer
import MaskerStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the OpenAI-compatible masking proxy and the REST API.",
        discussion: """
        Listens on MASKER_LISTEN_ADDR (default 127.0.0.1:8080) with its data in MASKER_DATA_DIR: the \
        server database (agents, API tokens, sessions; MASKER_SERVER_DB_PATH, default server.sqlite), \
        the vault and the audit log. SIGTERM or SIGINT stops it gracefully: requests in flight finish.

        Voice platforms point their custom-LLM URL at http://HOST/proxy/<agent_id>/v1. Create an agent \
        with POST /api/v1/agents, authenticating with a token from `masker admin token`.

        Environment: MASKER_UPSTREAM_TIMEOUT_MS (30000), MASKER_OPENAI_BASE_URL, MASKER_OPENAI_API_KEY, \
        MASKER_VAPI_WEBHOOK_SECRET, MASKER_PUBLIC_URL, MASKER_MAX_BODY_BYTES, MASKER_RATE_LIMIT_PER_MINUTE \
        (600), MASKER_LOG_LEVEL (info), MASKER_LOG_FORMAT (text|json). Logs never carry request text.

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
        let schemes = try TokenSchemes(policy: policy, context: context)
        let vault: (any VaultStore)? = policy.tokenization == .reversibleAEAD && context.environment["MASKER_DATABASE_URL"] == nil
            ? nil : try await schemes.vault()
        let audit: AuditLog? = policy.audit.logEvents ? try AuditTrail.open(context) : nil
        let store = try mapped { () throws in
            try ServerStore(path: ServerStore.defaultPath(environment: context.environment, dataDirectory: context.dataDirectory))
        }
        let loaderContext = context
        let runtime = MaskingRuntime(policy: policy, loader: { try loaderContext.loadPolicy().policy }, keyRing: schemes.keyRing,
                                     devMode: context.devMode, vault: vault, audit: audit, logger: logger)
        let dependencies = ServerDependencies(runtime: runtime, store: store, configuration: configuration, logger: logger)
        do {
            try await MaskerServerApp.run(dependencies) { port in
                logger.notice("masker serve listening on http://\(configuration.listen.host):\(port) (policy \(policy.name) v\(policy.version))")
            }
        } catch {
            await vault?.close()
            throw CLIFailure(.error, "the server stopped: \(error); if the port is in use, set MASKER_LISTEN_ADDR")
        }
        await vault?.close()
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
}

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administer a server from its own machine.",
        subcommands: [AdminTokenCommand.self]
    )
}

struct AdminTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a new API token for an account (created if missing) as the last line.",
        discussion: """
        Run on the server's machine with the same MASKER_DATA_DIR (or MASKER_SERVER_DB_PATH): it writes \
        to the server database directly, so it is the bootstrap for a fresh install. Send the token as \
        Authorization: Bearer <token>. Only its hash is stored; a lost token cannot be shown again.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Account the token belongs to.", valueName: "name"))
    var account = "admin"

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let path = ServerStore.defaultPath(environment: context.environment, dataDirectory: context.dataDirectory)
        do {
            let store = try ServerStore(path: path)
            let owner = try store.account(named: account)
            let token = try store.issueToken(accountID: owner.id)
            if !global.quiet { FileHandle.standardError.write(Data("new API token for account \(owner.name) (\(owner.id)):\n".utf8)) }
            Console.out(token)
        } catch {
            throw CLIFailure(.error, "\(error); run this on the server's machine with its MASKER_DATA_DIR")
        }
    }
}
