import Foundation
import Logging
import MaskerCore
import MaskerStore

/// What every command derives from the global options, the environment and the config file,
/// resolved once in one place so precedence (flag > environment > config > default) is uniform.
public struct CommandContext: Sendable {
    public var options: GlobalOptions
    public var environment: [String: String]
    public var config: CLIConfig
    public var logger: Logger

    public init(options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIFailure) {
        self.options = options
        self.environment = environment
        if let path = try CLIConfig.locate(flag: options.config, environment: environment) {
            config = try CLIConfig.load(path: path)
        } else {
            config = CLIConfig()
        }
        var logger = Logger(label: "masker", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = options.quiet ? .error : (options.verbose ? .debug : .notice)
        self.logger = logger
    }

    public var devMode: Bool { KeyRingLoader.isDevMode(environment) }

    public var dataDirectory: DataDirectory {
        DataDirectory.resolve(environment: environment, configured: config.dataDirectory)
    }

    /// Database deadlines from the environment (`StoreTimeouts`); a bad value is a usage error.
    public var storeTimeouts: StoreTimeouts {
        get throws(CLIFailure) {
            do {
                return try StoreTimeouts.from(environment: environment)
            } catch {
                throw CLIFailure(.usage, error.description)
            }
        }
    }

    public var keyRingLoader: KeyRingLoader {
        KeyRingLoader(environment: environment, dataDirectory: dataDirectory)
    }

    /// The policy file in force, or nil for the built-in default.
    public var policyPath: String? {
        if let flag = options.policy { return flag }
        if let path = environment["MASKER_POLICY_PATH"], !path.isEmpty { return path }
        if let path = config.policy { return path }
        let shipped = "configs/mask_policy.yaml"
        return FileManager.default.fileExists(atPath: shipped) ? shipped : nil
    }

    /// The effective policy, checked for structure only. Commands that mint tokens will also need
    /// the key ring (`keyRingLoader`) and pass a key check to `PolicyStartup`.
    public func loadPolicy() throws -> LoadedPolicy {
        var text: String?
        var readIssues: [PolicyIssue] = []
        let source = policyPath ?? "built-in healthcare-default"
        if let path = policyPath {
            let (read, issue) = try readPolicy(path)
            text = read
            readIssues = issue.map { [$0] } ?? []
        }
        return try PolicyStartup.load(text: text, readIssues: readIssues, source: source, devMode: devMode,
                                      keyCheck: nil, logger: logger)
    }

    public func readPolicy(_ path: String) throws(CLIFailure) -> (text: String?, issue: PolicyIssue?) {
        do {
            return try PolicyFile.read(path)
        } catch {
            throw CLIFailure(.error, error.description)
        }
    }
}
