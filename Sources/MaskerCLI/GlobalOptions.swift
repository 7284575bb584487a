import ArgumentParser

/// Options every `masker` command accepts, before or after the subcommand name.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Config file (TOML). Default: $MASKER_CONFIG, ./masker.toml, ~/.config/masker/config.toml.", valueName: "file"))
    public var config: String?

    @Option(name: .long, help: ArgumentHelp("Masker server URL for commands that talk to one. Default: $MASKER_SERVER.", valueName: "url"))
    public var server: String?

    @Option(name: .long, help: ArgumentHelp("Policy file. Default: $MASKER_POLICY_PATH, the config's 'policy', ./configs/mask_policy.yaml, then the built-in healthcare-default.", valueName: "file"))
    public var policy: String?

    @Flag(name: .long, help: "Machine-readable JSON output.")
    public var json = false

    @Flag(name: .shortAndLong, help: "Print only errors.")
    public var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Print debug logging to stderr.")
    public var verbose = false

    public init() {}
}
