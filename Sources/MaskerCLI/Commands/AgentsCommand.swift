import ArgumentParser
import Foundation
import MaskerCore

struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "Create, list, show, update and delete a server's agents.",
        discussion: """
        Talks to a running `masker serve`: --server or MASKER_SERVER (default http://127.0.0.1:8080), \
        authenticated with MASKER_API_TOKEN (print one with `masker admin token` on the server). \
        Exit codes: 4 when the token is missing or refused, 5 when the server cannot be reached.
        """,
        subcommands: [AgentsListCommand.self, AgentsCreateCommand.self, AgentsShowCommand.self, AgentsUpdateCommand.self,
                      AgentsDeleteCommand.self]
    )
}

/// One agent as a row of `list`, and the policy file `create` and `update` send.
enum AgentText {
    /// The text of `--policy-file`: the server validates it, so it is sent as it is.
    static func policyDocument(_ path: String, context: CommandContext) throws -> String {
        guard let text = try context.readPolicy(path).text else {
            throw CLIFailure(.error, "cannot read the policy file \(path); check the path")
        }
        return text
    }

    static func line(_ agent: JSONValue) -> String {
        [agent["id"], agent["name"], agent["upstream"], agent["proxy_url"]].map { $0?.stringValue ?? "-" }.joined(separator: "\t")
    }
}

struct AgentsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List your account's agents: id, name, upstream, proxy URL.")

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        let client = try ServerClient(try CommandContext(options: global))
        let page = try await client.call(.GET, "/api/v1/agents")
        guard case let .array(agents)? = page["data"] else { throw CLIFailure(.error, "the server's answer had no agent list") }
        if global.json { Console.out(JSONValue.array(agents).serialized()); return }
        if agents.isEmpty { Console.out("no agents yet; create one with masker agents create NAME --upstream stub"); return }
        for agent in agents { Console.out(AgentText.line(agent)) }
    }
}

struct AgentsCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an agent and print its proxy URL (paste it into the voice platform as the custom LLM URL).",
        discussion: "Example: masker agents create front-desk --upstream openai:gpt-4o-mini --policy-file configs/mask_policy.yaml"
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Agent name, unique in your account.", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("stub, openai:<model>, or azure-openai:<deployment> (MASKER_AZURE_OPENAI_ENDPOINT on the server).", valueName: "upstream"))
    var upstream: String

    @Option(name: .long, help: ArgumentHelp("Tokenization scheme overriding the policy's.", valueName: "scheme"))
    var tokenization: String?

    @Option(name: .long, help: ArgumentHelp("A built-in policy by name.", valueName: "name"))
    var policyName: String?

    @Option(name: .long, help: ArgumentHelp("The agent's own policy YAML, validated by the server.", valueName: "file"))
    var policyFile: String?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let client = try ServerClient(context)
        var body: [(String, JSONValue)] = [("name", .string(name)), ("upstream", .string(upstream))]
        if let tokenization { body.append(("tokenization", .string(tokenization))) }
        if let policyName { body.append(("policy_name", .string(policyName))) }
        if let policyFile { body.append(("policy_yaml", .string(try AgentText.policyDocument(policyFile, context: context)))) }
        let agent = try await client.call(.POST, "/api/v1/agents", body: .object(body))
        if global.json { Console.out(agent.serialized()); return }
        Console.out(Console.fields(agent))
    }
}

struct AgentsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one agent.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Agent id (agt_…).", valueName: "id"))
    var id: String

    mutating func run() async throws {
        let client = try ServerClient(try CommandContext(options: global))
        let agent = try await client.call(.GET, "/api/v1/agents/\(PathSegment.escape(id))")
        Console.out(global.json ? agent.serialized() : Console.fields(agent))
    }
}

struct AgentsUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change an agent's name, upstream, tokenization or policy; its id and proxy URL stay.",
        discussion: "Example: masker agents update agt_… --policy-file billing.yaml   (--server-policy: back to the server's policy)"
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Agent id (agt_…).", valueName: "id"))
    var id: String

    @Option(name: .long, help: ArgumentHelp("A new name, unique in your account.", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("stub, openai:<model>, or azure-openai:<deployment> (MASKER_AZURE_OPENAI_ENDPOINT on the server).", valueName: "upstream"))
    var upstream: String?

    @Option(name: .long, help: ArgumentHelp("Tokenization scheme overriding the policy's; \"policy\" for the policy's own.", valueName: "scheme"))
    var tokenization: String?

    @Option(name: .long, help: ArgumentHelp("A built-in policy by name.", valueName: "name"))
    var policyName: String?

    @Option(name: .long, help: ArgumentHelp("The agent's own policy YAML, validated by the server.", valueName: "file"))
    var policyFile: String?

    @Flag(name: .long, help: "Drop the agent's own policy: it follows the server's again.")
    var serverPolicy = false

    func validate() throws {
        if [policyName != nil, policyFile != nil, serverPolicy].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --policy-name, --policy-file and --server-policy")
        }
        if name == nil, upstream == nil, tokenization == nil, policyName == nil, policyFile == nil, !serverPolicy {
            throw ValidationError("nothing to change: give --name, --upstream, --tokenization, --policy-name, --policy-file or --server-policy")
        }
    }

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let client = try ServerClient(context)
        var body: [(String, JSONValue)] = []
        if let name { body.append(("name", .string(name))) }
        if let upstream { body.append(("upstream", .string(upstream))) }
        if let tokenization { body.append(("tokenization", tokenization == "policy" ? .null : .string(tokenization))) }
        if let policyName { body.append(("policy_name", .string(policyName))) }
        if let policyFile { body.append(("policy_yaml", .string(try AgentText.policyDocument(policyFile, context: context)))) }
        if serverPolicy { body += [("policy_name", .null), ("policy_yaml", .null)] }
        let agent = try await client.call(.PATCH, "/api/v1/agents/\(PathSegment.escape(id))", body: .object(body))
        Console.out(global.json ? agent.serialized() : Console.fields(agent))
    }
}

struct AgentsDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an agent; its proxy URL stops working at once.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Agent id (agt_…).", valueName: "id"))
    var id: String

    mutating func run() async throws {
        let client = try ServerClient(try CommandContext(options: global))
        _ = try await client.call(.DELETE, "/api/v1/agents/\(PathSegment.escape(id))")
        if !global.quiet { Console.out("deleted agent \(id)") }
    }
}

/// Ids go into URL paths; anything outside the id alphabet is escaped rather than trusted.
enum PathSegment {
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "_-"))) ?? text
    }
}
