import ArgumentParser
import Foundation
import MaskerCore

/// The `masker` command tree. `execute` owns the mapping from failures to the documented exit codes,
/// so every subcommand can simply throw.
public struct MaskerCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "masker",
        abstract: "Find PHI in voice-agent transcripts, mask it before the model sees it, restore it after.",
        discussion: """
        Exit codes: 0 ok, 1 error, 2 command-specific condition not met, 3 policy invalid, \
        4 auth, 5 server unreachable, 64 usage.

        Environment: MASKER_POLICY_PATH (policy file), MASKER_KEY_<KID> (base64 of 32 bytes; \
        MASKER_KEY_<KID>_OLD while rotating), MASKER_DEV=1 (development mode: generated keys, \
        invalid policies fall back to the default), MASKER_DATA_DIR (default ~/.local/share/masker), \
        MASKER_CONFIG (config file), MASKER_SERVER (server URL).
        """,
        version: version,
        subcommands: [DetectCommand.self, MaskCommand.self, SynthesizeCommand.self, RehydrateCommand.self, VaultCommand.self, AuditCommand.self, ReportCommand.self, EvalCommand.self, BenchCommand.self, PolicyCommand.self, KeysCommand.self, ServeCommand.self, AdminCommand.self, UsersCommand.self, AgentsCommand.self, SessionsCommand.self, TokensCommand.self, NERCommand.self]
    )

    @OptionGroup public var global: GlobalOptions

    public init() {}

    /// Runs `masker` (or another command tree, `masker-voice`, under the same exit codes) with
    /// `arguments` (without the program name) and returns the exit code.
    public static func execute(_ arguments: [String], root: any ParsableCommand.Type = MaskerCommand.self,
                               name: String = "masker") async -> Int32 {
        let wantsJSON = arguments.contains("--json")
        do {
            var command = try root.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return CLIExitCode.ok.rawValue
        } catch let failure as CLIFailure {
            Console.err("\(name): \(failure.message)")
            return failure.code.rawValue
        } catch let setting as KeyRotationGrace.SettingError {
            Console.err("\(name): \(setting.description)")
            return CLIExitCode.error.rawValue
        } catch let invalid as PolicyInvalid {
            if wantsJSON, let json = try? Console.json(ValidationReport(file: invalid.source, policy: nil, issues: invalid.issues)) {
                Console.out(json)
            } else {
                Console.err(Console.render(invalid.issues, file: invalid.source))
                Console.err("\(name): policy \(invalid.source) is invalid (\(Console.count(invalid.issues.errors.count, "error"))); fix it or run with MASKER_DEV=1 to fall back to the built-in default")
            }
            return CLIExitCode.policyInvalid.rawValue
        } catch {
            let code = root.exitCode(for: error)
            let message = root.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.out(message) }
            } else if !message.isEmpty {
                Console.err(message)
            }
            // argument-parser reports usage errors as 64 (EX_USAGE), matching our contract.
            return code.rawValue
        }
    }
}
