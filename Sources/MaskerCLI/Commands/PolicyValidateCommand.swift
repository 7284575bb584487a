import ArgumentParser
import MaskerCore
import MaskerStore

struct PolicyValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a policy and report every problem at once.",
        discussion: """
        Each problem has a stable code, the YAML path, line:column and a one-line fix. Besides the \
        file's structure, checks that MASKER_KEY_<kid> exists and decodes (unknown_kid, invalid_key). \
        With MASKER_DEV=1 an already generated development key counts; validation never creates one.

        Exits 0 when the policy is valid (warnings allowed), 3 when it is not, 1 when the file \
        cannot be read.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Policy file, or - for standard input. Default: the policy in force (see --policy).", valueName: "file"))
    var file: String?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        guard let path = file ?? context.policyPath else {
            throw CLIFailure(.usage, "no policy file to validate: name one (masker policy validate FILE) or set MASKER_POLICY_PATH")
        }
        let name = Console.displayName(path)
        let (text, readIssue) = try context.readPolicy(path)
        var issues = readIssue.map { [$0] } ?? []
        var policy: Policy?
        if let text {
            let parsed = PolicyParser.parse(text)
            issues = parsed.issues
            policy = parsed.policy
            if let parsedPolicy = parsed.policy {
                issues += keyIssues(parsedPolicy, at: parsed.kidLocation, context: context)
                issues.sort { ($0.line, $0.column) < ($1.line, $1.column) }
            }
        }

        let report = ValidationReport(file: name, policy: policy, issues: issues)
        if global.json {
            Console.out(try Console.json(report))
        } else {
            let shown = global.quiet ? issues.errors : issues
            if !shown.isEmpty { Console.out(Console.render(shown, file: name)) }
            if report.valid, let policy, !global.quiet {
                Console.out("\(name): valid: \(policy.name) v\(policy.version), \(Console.count(policy.entities.count, "kind")), \(policy.tokenization.rawValue), passes \(policy.passes.map(\.summary).joined(separator: ", ")); \(Console.count(report.warnings, "warning"))")
            } else if !report.valid {
                Console.out("\(name): invalid: \(Console.count(report.errors, "error")), \(Console.count(report.warnings, "warning"))")
            }
        }
        if !report.valid { throw ExitCode(CLIExitCode.policyInvalid.rawValue) }
    }

    private func keyIssues(_ policy: Policy, at location: SourcePosition, context: CommandContext) -> [PolicyIssue] {
        do {
            let (ring, errors) = try context.keyRingLoader.load(requiredKids: [policy.kid], generateMissing: false,
                                                                logger: context.logger)
            return PolicyKeyCheck.issues(for: policy, kidLocation: location, keyRing: ring, keyErrors: errors,
                                         devMode: context.devMode)
        } catch {
            return [PolicyIssue(.invalidKey, path: "kid", at: location, message: "\(error)",
                                fix: "repair or delete the development key file named above, or set \(KeyRing.variableName(for: policy.kid))")]
        }
    }
}
