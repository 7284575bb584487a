import ArgumentParser
import Foundation
import MaskerCore

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, show and follow the calls that went through a server's proxy.",
        discussion: """
        Sessions hold counts and timings, never text. Talks to a running `masker serve` like \
        `masker agents` (--server / MASKER_SERVER, MASKER_API_TOKEN; exit 4 auth, 5 unreachable).
        """,
        subcommands: [SessionsListCommand.self, SessionsShowCommand.self, SessionsTailCommand.self]
    )
}

/// One session as a table row: id, agent, turns, status, redactions, when.
enum SessionText {
    static func line(_ session: JSONValue) -> String {
        var redactions = "-"
        if case let .object(kinds)? = session["redactions"], !kinds.isEmpty {
            redactions = kinds.map { "\($0.0)=\($0.1.intValue ?? 0)" }.joined(separator: ",")
        }
        return [session["id"]?.stringValue ?? "-", session["agent_id"]?.stringValue ?? "-", Console.count(session["turns"]?.intValue ?? 0, "turn"),
                session["status"]?.stringValue ?? "-", redactions, session["updated_at"]?.stringValue ?? "-"].joined(separator: "\t")
    }

    static func query(agent: String?, status: String?, limit: Int, cursor: String?, updatedAfter: String? = nil) -> String {
        var items = [URLQueryItem(name: "limit", value: String(limit))]
        if let updatedAfter { items.append(URLQueryItem(name: "updated_after", value: updatedAfter)) }
        if let agent { items.append(URLQueryItem(name: "agent_id", value: agent)) }
        if let status { items.append(URLQueryItem(name: "status", value: status)) }
        if let cursor { items.append(URLQueryItem(name: "cursor", value: cursor)) }
        var components = URLComponents()
        components.queryItems = items
        return components.percentEncodedQuery.map { "?" + $0 } ?? ""
    }
}

struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List sessions, newest first.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this agent's sessions.", valueName: "agent_id"))
    var agent: String?

    @Option(name: .long, help: ArgumentHelp("Only sessions whose last turn ended so (ok, or an error code).", valueName: "status"))
    var status: String?

    @Option(name: .long, help: ArgumentHelp("Sessions per page (1-500).", valueName: "n"))
    var limit = 50

    @Flag(name: .long, help: "Follow next_cursor through every page.")
    var all = false

    mutating func run() async throws {
        guard (1...500).contains(limit) else { throw CLIFailure(.usage, "--limit must be from 1 to 500") }
        let client = try ServerClient(try CommandContext(options: global))
        var cursor: String?
        var shown: [JSONValue] = []
        repeat {
            let page = try await client.call(.GET, "/api/v1/sessions" + SessionText.query(agent: agent, status: status, limit: limit, cursor: cursor))
            guard case let .array(sessions)? = page["data"] else { throw CLIFailure(.error, "the server's answer had no session list") }
            shown += sessions
            cursor = page["next_cursor"]?.stringValue
        } while all && cursor != nil
        if global.json { Console.out(JSONValue.array(shown).serialized()); return }
        if shown.isEmpty { Console.out("no sessions yet"); return }
        for session in shown { Console.out(SessionText.line(session)) }
        if let cursor, !all { Console.out("more: masker sessions list --all, or the API's cursor=\(cursor)") }
    }
}

struct SessionsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one session with its stage timings.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Session id (sess_…).", valueName: "id"))
    var id: String

    mutating func run() async throws {
        let client = try ServerClient(try CommandContext(options: global))
        let session = try await client.call(.GET, "/api/v1/sessions/\(PathSegment.escape(id))")
        Console.out(global.json ? session.serialized() : Console.fields(session))
    }
}

struct SessionsTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print sessions as they start or gain turns, until interrupted.",
        discussion: """
        Polls GET /api/v1/sessions (after the first poll, only sessions updated since the last change         seen, every page); each line is printed when a session first appears and again each time it         gains a turn, however old the session.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this agent's sessions.", valueName: "agent_id"))
    var agent: String?

    @Option(name: .long, help: ArgumentHelp("Seconds between polls.", valueName: "seconds"))
    var interval: Double = 1

    @Option(name: .customLong("for"), help: ArgumentHelp("Stop after this many seconds (default: run until interrupted).", valueName: "seconds"))
    var duration: Double?

    mutating func run() async throws {
        guard interval >= 0.1 else { throw CLIFailure(.usage, "--interval must be at least 0.1 seconds") }
        let client = try ServerClient(try CommandContext(options: global))
        let deadline = duration.map { Date().addingTimeInterval($0) }
        var seen: [String: String] = [:]
        var latest: Date?
        while true {
            // The first poll shows the newest sessions; later ones ask only for what changed since
            // a second before the latest change seen (a margin for writes landing out of order).
            let since = latest.map { UTCTimestamp.format($0.addingTimeInterval(-1)) }
            var sessions: [JSONValue] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.GET, "/api/v1/sessions" + SessionText.query(agent: agent, status: nil, limit: 100, cursor: cursor,
                                                                                            updatedAfter: since))
                if case let .array(rows)? = page["data"] { sessions += rows }
                cursor = since == nil ? nil : page["next_cursor"]?.stringValue
            } while cursor != nil
            // Oldest change first, so lines come out in the order things happened.
            for session in sessions.sorted(by: { ($0["updated_at"]?.stringValue ?? "") < ($1["updated_at"]?.stringValue ?? "") }) {
                guard let id = session["id"]?.stringValue, let updated = session["updated_at"]?.stringValue else { continue }
                if let date = UTCTimestamp.parse(updated), latest.map({ date > $0 }) ?? true { latest = date }
                let stamp = "\(session["turns"]?.intValue ?? 0)|\(updated)"
                guard seen[id] != stamp else { continue }
                seen[id] = stamp
                Console.out(global.json ? session.serialized() : SessionText.line(session))
            }
            if let deadline, Date() >= deadline { return }
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}
