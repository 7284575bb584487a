import ArgumentParser

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate, compare and show masking policies.",
        subcommands: [PolicyValidateCommand.self, PolicyDiffCommand.self, PolicyShowCommand.self]
    )
}
