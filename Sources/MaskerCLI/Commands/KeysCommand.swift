import ArgumentParser
import MaskerCore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create token keys.",
        subcommands: [KeysGenerateCommand.self]
    )
}

struct KeysGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Print a new random key as a line for an env file.",
        discussion: """
        Prints MASKER_KEY_<kid>=<base64 of 32 random bytes>. The key is shown once and stored \
        nowhere: put it in your secret store. To rotate, move the old value to MASKER_KEY_<kid>_OLD.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Key id. Default: the kid of the policy in force, else K_HEALTHCARE.", valueName: "kid"))
    var kid: String?

    struct Generated: Encodable {
        var kid: String
        var variable: String
        var key: String
    }

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let kid = try self.kid ?? defaultKid(context)
        if let problem = KeyID.problem(with: kid) {
            throw CLIFailure(.usage, "\(problem); choose another --kid")
        }
        let generated = Generated(kid: kid, variable: KeyRing.variableName(for: kid), key: KeyRing.generateEncodedKey())
        if global.json {
            Console.out(try Console.json(generated))
        } else {
            Console.out("\(generated.variable)=\(generated.key)")
        }
    }

    private func defaultKid(_ context: CommandContext) throws -> String {
        guard let path = context.policyPath, let text = try context.readPolicy(path).text,
              let policy = PolicyParser.parse(text).policy else {
            return Policy.healthcareDefault.kid
        }
        return policy.kid
    }
}
