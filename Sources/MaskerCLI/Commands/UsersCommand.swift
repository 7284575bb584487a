import ArgumentParser
import Foundation
import MaskerCore
import MaskerServer
import MaskerStore

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Create and list the people who log in to a server (run on the server's machine).",
        discussion: """
        Like `masker admin token`, these write to the server database directly (MASKER_DATA_DIR, \
        MASKER_SERVER_DB_PATH or MASKER_DATABASE_URL). Users log in with POST /api/v1/auth/login; \
        passwords are stored only as scrypt hashes.
        """,
        subcommands: [UsersCreateCommand.self, UsersListCommand.self, UsersPasswordCommand.self]
    )
}

/// Reads a password from stdin (one line) or from `MASKER_USER_PASSWORD`: never from a flag, which
/// would leave it in the shell history and the process list.
enum PasswordInput {
    static func read(_ context: CommandContext, fromStdin: Bool) throws(CLIFailure) -> String {
        let password: String?
        if fromStdin {
            password = Swift.readLine(strippingNewline: true)
        } else {
            password = context.environment["MASKER_USER_PASSWORD"]
        }
        guard let password, !password.isEmpty else {
            throw CLIFailure(.usage, "no password given; pipe it in with --password-stdin or set MASKER_USER_PASSWORD")
        }
        guard password.count >= PasswordHasher.minimumLength else {
            throw CLIFailure(.usage, "the password is shorter than \(PasswordHasher.minimumLength) characters; choose a longer one")
        }
        return password
    }

    static func hash(_ password: String) throws(CLIFailure) -> String {
        do {
            return try PasswordHasher.standard.hash(password)
        } catch {
            throw CLIFailure(.error, "could not hash the password (\(type(of: error)))")
        }
    }
}

struct UsersCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a user who can log in (the account is created if missing).",
        discussion: "Example: printf '%s\\n' \"$PASSWORD\" | masker users create alice --account clinic --password-stdin"
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("User name to log in with (unique on the server).", valueName: "username"))
    var username: String

    @Option(name: .long, help: ArgumentHelp("Account the user belongs to.", valueName: "name"))
    var account = "admin"

    @Option(name: .long, help: ArgumentHelp("admin or member.", valueName: "role"))
    var role = "admin"

    @Flag(name: .long, help: "Read the password from the first line of stdin (else MASKER_USER_PASSWORD).")
    var passwordStdin = false

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        guard ["admin", "member"].contains(role) else { throw CLIFailure(.usage, "--role must be admin or member") }
        let name = username.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64, !name.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw CLIFailure(.usage, "the user name must be 1-64 characters without spaces")
        }
        let hash = try PasswordInput.hash(try PasswordInput.read(context, fromStdin: passwordStdin))
        let (accountName, role) = (account, role)
        let user = try await ServerDatabase.use(context) { store in
            let owner = try await store.account(named: accountName)
            let user = User(id: ServerIDs.next("usr"), accountID: owner.id, username: name, role: role, createdAt: Date())
            do {
                try await store.createUser(user, passwordHash: hash)
            } catch ServerStoreError.usernameTaken {
                throw CLIFailure(.error, "a user named \(name) already exists; choose another name or use masker users password")
            }
            return user
        }
        if global.json {
            Console.out(JSONValue.object([("id", .string(user.id)), ("username", .string(user.username)), ("account", .string(accountName)),
                                          ("role", .string(user.role))]).serialized())
        } else if !global.quiet {
            Console.out("created user \(user.username) (\(user.id)) in account \(accountName), role \(user.role)")
        }
    }
}

struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an account's users.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Account whose users to list.", valueName: "name"))
    var account = "admin"

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let accountName = account
        let users = try await ServerDatabase.use(context) { store in
            try await store.users(accountID: try await store.account(named: accountName).id)
        }
        if global.json {
            Console.out(JSONValue.array(users.map { .object([("id", .string($0.id)), ("username", .string($0.username)),
                                                             ("role", .string($0.role)), ("created_at", .string(UTCTimestamp.format($0.createdAt)))]) })
                .serialized())
            return
        }
        if users.isEmpty { Console.out("no users in account \(accountName); create one with masker users create"); return }
        for user in users { Console.out("\(user.username)\t\(user.role)\t\(user.id)\t\(UTCTimestamp.format(user.createdAt))") }
    }
}

struct UsersPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Set a user's password; every browser session of the user ends."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("User name.", valueName: "username"))
    var username: String

    @Flag(name: .long, help: "Read the password from the first line of stdin (else MASKER_USER_PASSWORD).")
    var passwordStdin = false

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let hash = try PasswordInput.hash(try PasswordInput.read(context, fromStdin: passwordStdin))
        let name = username
        try await ServerDatabase.use(context) { store in
            guard let found = try await store.credentials(username: name) else {
                throw CLIFailure(.error, "no user named \(name); masker users list shows them")
            }
            try await store.setPassword(userID: found.user.id, passwordHash: hash)
        }
        if !global.quiet { Console.out("password changed for \(name); their browser sessions were ended") }
    }
}
