import ArgumentParser
import MaskerCore

struct PolicyDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changes between two policies.",
        discussion: """
        Compares the effective policies (defaults filled in): entities added and removed, thresholds, \
        actions, flags, passes, scheme, kid, epsilon, synthetic and audit settings. Lines start with \
        + (added), - (removed) or ~ (changed). Exits 0 whether or not they differ, 3 if either is invalid.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The current policy.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The proposed policy.", valueName: "new"))
    var new: String

    struct Side: Encodable {
        var file: String
        var name: String
        var version: Int
    }

    struct Report: Encodable {
        var from: Side
        var to: Side
        var identical: Bool
        var summary: String
        var changes: [PolicyChange]
    }

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let before = try load(old, context)
        let after = try load(new, context)
        let diff = PolicyDiff(from: before, to: after)
        let report = Report(from: Side(file: old, name: before.name, version: before.version),
                            to: Side(file: new, name: after.name, version: after.version),
                            identical: diff.isEmpty, summary: diff.summary, changes: diff.changes)
        if global.json {
            Console.out(try Console.json(report))
            return
        }
        var lines = ["--- \(old) (\(before.name) v\(before.version))", "+++ \(new) (\(after.name) v\(after.version))"]
        lines += diff.changes.map(\.line)
        lines.append(diff.summary)
        Console.out(lines.joined(separator: "\n"))
    }

    private func load(_ path: String, _ context: CommandContext) throws -> Policy {
        let (text, readIssue) = try context.readPolicy(path)
        let parsed = text.map(PolicyParser.parse)
        guard let policy = parsed?.policy else {
            throw PolicyInvalid(source: path, issues: parsed?.issues.errors ?? readIssue.map { [$0] } ?? [])
        }
        return policy
    }
}
