import ArgumentParser
import MaskerCore

struct PolicyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the effective policy with every default filled in.",
        discussion: """
        Shows the policy in force (--policy, MASKER_POLICY_PATH, the config's policy, \
        ./configs/mask_policy.yaml, else the built-in healthcare-default) as YAML, or JSON with --json. \
        The YAML output is itself a valid policy. An invalid policy exits 3; with MASKER_DEV=1 the \
        built-in default is shown instead, as a server would run it.
        """
    )

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let loaded = try context.loadPolicy()
        for warning in loaded.warnings {
            context.logger.warning("\(warning.code.rawValue) \(warning.path): \(warning.message)")
        }
        if global.json {
            Console.out(loaded.policy.jsonValue.serialized(indent: 2))
            return
        }
        let origin: String
        switch loaded.origin {
        case let .file(path): origin = path
        case .builtInDefault: origin = "the built-in default (no policy file found)"
        case let .fallbackAfterErrors(path): origin = "the built-in default (MASKER_DEV fallback: \(path) is invalid)"
        }
        Console.out("# Effective policy from \(origin), defaults filled in.\n" + loaded.policy.yamlText)
    }
}
