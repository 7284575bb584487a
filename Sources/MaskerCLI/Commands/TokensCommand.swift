import ArgumentParser
import Foundation
import MaskerCore

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "List, create and revoke your account's API tokens on a server.",
        discussion: """
        Talks to a running `masker serve` like `masker agents` (--server / MASKER_SERVER, \
        MASKER_API_TOKEN; exit 4 auth, 5 unreachable). Secrets are shown once, when created; a \
        revoked token stops working at once.
        """,
        subcommands: [TokensListCommand.self, TokensCreateCommand.self, TokensRevokeCommand.self]
    )
}

struct TokensListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List token ids and when they were made (never secrets).")

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        let client = try ServerClient(try CommandContext(options: global))
        let page = try await client.call(.GET, "/api/v1/tokens")
        guard case let .array(tokens)? = page["data"] else { throw CLIFailure(.error, "the server's answer had no token list") }
        if global.json { Console.out(JSONValue.array(tokens).serialized()); return }
        for token in tokens {
            Console.out([token["id"], token["role"], token["created_at"]].map { $0?.stringValue ?? "-" }.joined(separator: "\t"))
        }
    }
}

struct TokensCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a token and print it as the last line (shown once).")

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        let client = try ServerClient(try CommandContext(options: global))
        let created = try await client.call(.POST, "/api/v1/tokens")
        if global.json { Console.out(created.serialized()); return }
        guard let id = created["id"]?.stringValue, let token = created["token"]?.stringValue else {
            throw CLIFailure(.error, "the server's answer had no token")
        }
        if !global.quiet { FileHandle.standardError.write(Data("new API token \(id) (revoke with masker tokens revoke \(id)):\n".utf8)) }
        Console.out(token)
    }
}

struct TokensRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by id (tok_…).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Token id from masker tokens list.", valueName: "id"))
    var id: String

    mutating func run() async throws {
        let client = try ServerClient(try CommandContext(options: global))
        _ = try await client.call(.DELETE, "/api/v1/tokens/\(PathSegment.escape(id))")
        if !global.quiet { Console.out("revoked token \(id)") }
    }
}
