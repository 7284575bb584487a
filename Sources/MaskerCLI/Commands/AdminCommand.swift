import ArgumentParser
import Foundation
import MaskerServer
import MaskerStore

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administer a server from its own machine.",
        subcommands: [AdminTokenCommand.self]
    )
}

struct AdminTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a new API token for an account (created if missing) as the last line.",
        discussion: """
        Run on the server's machine with the same MASKER_DATA_DIR (or MASKER_SERVER_DB_PATH, or \
        MASKER_DATABASE_URL): it writes to the server database directly, so it is the bootstrap for a \
        fresh install. Send the token as Authorization: Bearer <token>, or put it in MASKER_API_TOKEN \
        for `masker agents` and `masker sessions`. Only its hash is stored; a lost token cannot be \
        shown again.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Account the token belongs to.", valueName: "name"))
    var account = "admin"

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let name = account
        let (owner, token) = try await ServerDatabase.use(context) { store in
            let owner = try await store.account(named: name)
            return (owner, try await store.issueToken(accountID: owner.id))
        }
        if !global.quiet { FileHandle.standardError.write(Data("new API token for account \(owner.name) (\(owner.id)):\n".utf8)) }
        Console.out(token)
    }
}

/// The server database opened directly (not through a running server), for the commands that
/// bootstrap one: `masker admin token`, `masker users`.
enum ServerDatabase {
    static func use<T>(_ context: CommandContext, _ body: (any ServerStore) async throws -> T) async throws -> T {
        let location = ServerStoreLocation.from(environment: context.environment, dataDirectory: context.dataDirectory)
        let store: any ServerStore
        let timeouts = try context.storeTimeouts
        do {
            store = try await location.open(timeouts: timeouts)
        } catch {
            throw CLIFailure(.error, "\(error); run this on the server's machine with its MASKER_DATA_DIR (or MASKER_DATABASE_URL)")
        }
        do {
            return try await runThenClose({ try await body(store) }, close: { await store.close() })
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
    }
}
