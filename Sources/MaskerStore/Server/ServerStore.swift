import Foundation
import Crypto
import GRDB
import MaskerCore

/// The server's own records (accounts, API tokens, agents, sessions) in SQLite beside the vault:
/// `MASKER_SERVER_DB_PATH`, default `<data dir>/server.sqlite`, WAL through GRDB's `DatabasePool`.
///
/// API tokens are stored as SHA-256 hashes: the database never holds a usable credential.
public final class ServerStore: @unchecked Sendable {
    // The pool and the id generator are thread-safe.
    private let pool: DatabasePool
    private let ids = SharedSortableIDGenerator()
    public let path: String

    public init(path: String) throws(ServerStoreError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            pool = try PrivateSQLiteDatabase.open(path: path, configuration: configuration, migrator: Self.migrator)
        } catch {
            throw .unavailable("cannot open \(path): \(error)")
        }
    }

    public static func defaultPath(environment: [String: String], dataDirectory: DataDirectory) -> String {
        if let path = environment["MASKER_SERVER_DB_PATH"], !path.isEmpty { return path }
        return dataDirectory.url.appendingPathComponent("server.sqlite").path
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "account") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull().unique()
                table.column("created_at", .datetime).notNull()
            }
            try db.create(table: "api_token") { table in
                table.primaryKey("id", .text)
                table.column("account_id", .text).notNull().references("account", onDelete: .cascade)
                table.column("token_hash", .blob).notNull().unique()
                table.column("role", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
            try db.create(table: "agent") { table in
                table.primaryKey("id", .text)
                table.column("account_id", .text).notNull().references("account", onDelete: .cascade).indexed()
                table.column("name", .text).notNull()
                table.column("upstream", .text).notNull()
                table.column("tokenization", .text)
                table.column("policy_name", .text)
                table.column("policy_yaml", .text)
                table.column("created_at", .datetime).notNull()
                table.uniqueKey(["account_id", "name"])
            }
            try db.create(table: "proxy_session") { table in
                table.primaryKey("id", .text)
                table.column("account_id", .text).notNull().indexed()
                table.column("agent_id", .text).notNull().indexed()
                table.column("external_id", .text)
                table.column("started_at", .datetime).notNull()
                table.column("updated_at", .datetime).notNull()
                table.column("turns", .integer).notNull()
                table.column("status", .text).notNull()
                table.column("redactions", .text).notNull()
                table.column("stage_ms", .text).notNull()
                table.uniqueKey(["agent_id", "external_id"])
            }
        }
        return migrator
    }

    public func newID(_ prefix: String) -> String { ids.next(prefix: prefix) }

    // MARK: Accounts and tokens

    /// The account of this name, created if missing (`masker admin token` bootstraps `admin`).
    public func account(named name: String) throws(ServerStoreError) -> Account {
        try write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT id, name, created_at FROM account WHERE name = ?", arguments: [name]) {
                return Account(id: row["id"], name: row["name"], createdAt: row["created_at"])
            }
            let account = Account(id: self.newID("acct"), name: name, createdAt: Date())
            try db.execute(sql: "INSERT INTO account (id, name, created_at) VALUES (?, ?, ?)",
                           arguments: [account.id, account.name, account.createdAt])
            return account
        }
    }

    /// A new API token for the account; returns the secret, shown once and stored only hashed.
    public func issueToken(accountID: String, role: String = "admin") throws(ServerStoreError) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let secret = "mk_" + Base32.encode(bytes).lowercased()
        let id = newID("tok")
        try write { db in
            try db.execute(sql: "INSERT INTO api_token (id, account_id, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, accountID, Self.tokenHash(secret), role, Date()])
        }
        return secret
    }

    /// The account an API token belongs to, or nil for an unknown token.
    public func account(forToken secret: String) throws(ServerStoreError) -> Account? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT account.id, account.name, account.created_at FROM api_token
                JOIN account ON account.id = api_token.account_id WHERE api_token.token_hash = ?
                """, arguments: [Self.tokenHash(secret)]) else { return nil }
            return Account(id: row[0], name: row[1], createdAt: row[2])
        }
    }

    static func tokenHash(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    // MARK: Agents

    public func createAgent(accountID: String, name: String, upstream: String, tokenization: String?, policyName: String?,
                            policyYAML: String?) throws(ServerStoreError) -> Agent {
        let agent = Agent(id: newID("agt"), accountID: accountID, name: name, upstream: upstream, tokenization: tokenization,
                          policyName: policyName, policyYAML: policyYAML, createdAt: Date())
        do {
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO agent (id, account_id, name, upstream, tokenization, policy_name, policy_yaml, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [agent.id, accountID, name, upstream, tokenization, policyName, policyYAML, agent.createdAt])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw .nameTaken
        } catch {
            throw .unavailable("\(error)")
        }
        return agent
    }

    /// An agent by id; with `accountID`, only that account's (another account's agent is "not found").
    public func agent(id: String, accountID: String? = nil) throws(ServerStoreError) -> Agent? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM agent WHERE id = ?", arguments: [id]) else { return nil }
            let agent = Self.agent(row)
            if let accountID, agent.accountID != accountID { return nil }
            return agent
        }
    }

    public func agents(accountID: String) throws(ServerStoreError) -> [Agent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM agent WHERE account_id = ? ORDER BY id", arguments: [accountID]).map(Self.agent)
        }
    }

    /// Whether an agent of this account was deleted.
    public func deleteAgent(id: String, accountID: String) throws(ServerStoreError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM agent WHERE id = ? AND account_id = ?", arguments: [id, accountID])
            return db.changesCount > 0
        }
    }

    private static func agent(_ row: Row) -> Agent {
        Agent(id: row["id"], accountID: row["account_id"], name: row["name"], upstream: row["upstream"],
              tokenization: row["tokenization"], policyName: row["policy_name"], policyYAML: row["policy_yaml"],
              createdAt: row["created_at"])
    }

    // MARK: Sessions

    /// Adds a turn to the session named by the caller's session id (or a new one), and returns the
    /// session's id. Sessions are keyed per agent so two agents' call ids never meet.
    public func recordTurn(accountID: String, agentID: String, externalID: String?, turn: SessionTurn,
                           now: Date = Date()) throws(ServerStoreError) -> String {
        try write { db in
            var session: ProxySession
            if let externalID, let row = try Row.fetchOne(db, sql: "SELECT * FROM proxy_session WHERE agent_id = ? AND external_id = ?",
                                                          arguments: [agentID, externalID]) {
                session = Self.session(row)
            } else {
                session = ProxySession(id: self.newID("sess"), accountID: accountID, agentID: agentID, externalID: externalID,
                                       startedAt: now, updatedAt: now, turns: 0, status: "ok", redactionsByKind: [:], stageMillis: [:])
            }
            session.turns += 1
            session.updatedAt = now
            session.status = turn.status
            for (kind, count) in turn.redactionsByKind { session.redactionsByKind[kind, default: 0] += count }
            for (stage, millis) in turn.stageMillis { session.stageMillis[stage, default: 0] += millis }
            try db.execute(sql: """
                INSERT INTO proxy_session (id, account_id, agent_id, external_id, started_at, updated_at, turns, status, redactions, stage_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, turns = excluded.turns, status = excluded.status,
                  redactions = excluded.redactions, stage_ms = excluded.stage_ms
                """, arguments: [session.id, accountID, agentID, externalID, session.startedAt, session.updatedAt, session.turns,
                                 session.status, Self.encode(session.redactionsByKind), Self.encode(session.stageMillis)])
            return session.id
        }
    }

    /// A page of an account's sessions, newest first, optionally for one agent; `cursor` is the
    /// last id of the previous page.
    public func sessions(accountID: String, agentID: String? = nil, status: String? = nil, limit: Int,
                         cursor: String?) throws(ServerStoreError) -> [ProxySession] {
        try read { db in
            var sql = "SELECT * FROM proxy_session WHERE account_id = ?"
            var arguments: StatementArguments = [accountID]
            if let agentID { sql += " AND agent_id = ?"; _ = arguments.append(contentsOf: [agentID]) }
            if let status { sql += " AND status = ?"; _ = arguments.append(contentsOf: [status]) }
            if let cursor { sql += " AND id < ?"; _ = arguments.append(contentsOf: [cursor]) }
            sql += " ORDER BY id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.session)
        }
    }

    public func session(id: String, accountID: String) throws(ServerStoreError) -> ProxySession? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM proxy_session WHERE id = ? AND account_id = ?", arguments: [id, accountID])
                .map(Self.session)
        }
    }

    private static func session(_ row: Row) -> ProxySession {
        ProxySession(id: row["id"], accountID: row["account_id"], agentID: row["agent_id"], externalID: row["external_id"],
                     startedAt: row["started_at"], updatedAt: row["updated_at"], turns: row["turns"], status: row["status"],
                     redactionsByKind: decode(row["redactions"]), stageMillis: decode(row["stage_ms"]))
    }

    private static func encode<Value: Encodable>(_ value: [String: Value]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func decode<Value: Decodable>(_ text: String) -> [String: Value] {
        (try? JSONDecoder().decode([String: Value].self, from: Data(text.utf8))) ?? [:]
    }

    /// Whether the database answers (for `/health`).
    public func ping() -> Bool {
        (try? pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    // MARK: Plumbing

    private func read<T>(_ body: (Database) throws -> T) throws(ServerStoreError) -> T {
        do { return try pool.read(body) } catch { throw .unavailable("\(error)") }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(ServerStoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as ServerStoreError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
