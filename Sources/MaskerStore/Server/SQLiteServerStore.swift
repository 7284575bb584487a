import Foundation
import GRDB
import MaskerCore

/// The server's records in SQLite beside the vault: `MASKER_SERVER_DB_PATH`, default
/// `<data dir>/server.sqlite`, WAL through GRDB's `DatabasePool` (readers never wait for the writer).
public final class SQLiteServerStore: ServerStore, @unchecked Sendable {
    // DatabasePool is thread-safe.
    private let pool: DatabasePool
    public let path: String
    public var location: String { path }
    public let health = OperationHealth()

    /// - Parameter busyTimeout: how long a write waits for another process's write (`StoreTimeouts`).
    /// - Parameter trace: sees the SQL of every statement run (placeholders, never arguments),
    ///   for the test that checks which writes are synced.
    public init(path: String, busyTimeout: TimeInterval = StoreTimeouts.defaults.sqliteBusySeconds,
                trace: (@Sendable (String) -> Void)? = nil) throws(ServerStoreError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            configuration.foreignKeysEnabled = true
            if let trace {
                configuration.prepareDatabase { db in db.trace(options: .statement) { trace($0.description) } }
            }
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
        migrator.registerMigration("v2-users") { db in
            try db.create(table: "app_user") { table in
                table.primaryKey("id", .text)
                table.column("account_id", .text).notNull().references("account", onDelete: .cascade).indexed()
                table.column("username", .text).notNull().unique()
                table.column("password_hash", .text).notNull()
                table.column("role", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
            try db.create(table: "login_session") { table in
                table.primaryKey("cookie_hash", .blob)
                table.column("user_id", .text).notNull().references("app_user", onDelete: .cascade).indexed()
                table.column("csrf_token", .text).notNull()
                table.column("expires_at", .datetime).notNull()
            }
        }
        HealthProbeTable.register(in: &migrator, as: "v3-health-probe")
        migrator.registerMigration("v4-proxy-turn") { db in
            try db.create(table: "proxy_turn") { table in
                table.primaryKey("id", .text)
                table.column("session_id", .text).notNull()
                table.column("account_id", .text).notNull()
                table.column("agent_id", .text).notNull()
                table.column("at", .datetime).notNull()
                table.column("status", .text).notNull()
                table.column("stage_ms", .text).notNull()
                table.column("spans", .text).notNull()
                table.column("restored", .integer).notNull()
                table.column("unrestorable", .integer).notNull()
                table.column("sealed", .blob)
            }
            try db.create(index: "proxy_turn_session", on: "proxy_turn", columns: ["session_id", "id"])
            try db.create(index: "proxy_turn_at", on: "proxy_turn", columns: ["at"])
        }
        migrator.registerMigration("v5-report") { db in
            try db.create(table: "report") { table in
                table.primaryKey("id", .text)
                table.column("account_id", .text).notNull().indexed()
                table.column("created_at", .datetime).notNull()
                table.column("scope", .text).notNull()
                table.column("verified", .boolean).notNull()
                table.column("sealed", .blob).notNull()
            }
        }
        migrator.registerMigration("v6-session-passes") { db in
            try db.alter(table: "proxy_session") { table in table.add(column: "passes", .text).notNull().defaults(to: "{}") }
        }
        migrator.registerMigration("v7-recording") { db in
            try db.create(table: "recording") { table in
                table.primaryKey("id", .text)
                table.column("account_id", .text).notNull().indexed()
                table.column("agent_id", .text)
                table.column("session_id", .text).notNull()
                table.column("created_at", .datetime).notNull().indexed()
                table.column("sealed", .blob).notNull()
            }
        }
        return migrator
    }

    // MARK: Accounts and tokens

    public func account(named name: String) async throws(ServerStoreError) -> Account {
        try await write(synced: true) { db in
            if let row = try Row.fetchOne(db, sql: "SELECT id, name, created_at FROM account WHERE name = ?", arguments: [name]) {
                return Account(id: row["id"], name: row["name"], createdAt: row["created_at"])
            }
            let account = Account(id: ServerIDs.next("acct"), name: name, createdAt: Date())
            try db.execute(sql: "INSERT INTO account (id, name, created_at) VALUES (?, ?, ?)",
                           arguments: [account.id, account.name, account.createdAt])
            return account
        }
    }

    public func insertToken(id: String, accountID: String, tokenHash: Data, role: String, createdAt: Date) async throws(ServerStoreError) {
        try await write(synced: true) { db in
            try db.execute(sql: "INSERT INTO api_token (id, account_id, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, accountID, tokenHash, role, createdAt])
        }
    }

    public func account(forTokenHash hash: Data) async throws(ServerStoreError) -> Account? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT account.id, account.name, account.created_at FROM api_token
                JOIN account ON account.id = api_token.account_id WHERE api_token.token_hash = ?
                """, arguments: [hash]) else { return nil }
            return Account(id: row[0], name: row[1], createdAt: row[2])
        }
    }

    public func tokens(accountID: String) async throws(ServerStoreError) -> [APITokenInfo] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, role, created_at FROM api_token WHERE account_id = ? ORDER BY id", arguments: [accountID])
                .map { APITokenInfo(id: $0["id"], role: $0["role"], createdAt: $0["created_at"]) }
        }
    }

    public func revokeToken(id: String, accountID: String) async throws(ServerStoreError) -> Bool {
        try await write(synced: true) { db in
            try db.execute(sql: "DELETE FROM api_token WHERE id = ? AND account_id = ?", arguments: [id, accountID])
            return db.changesCount > 0
        }
    }

    // MARK: Users and login sessions

    public func createUser(_ user: User, passwordHash: String) async throws(ServerStoreError) {
        try await write(synced: true, uniqueViolation: .usernameTaken) { db in
            try db.execute(sql: "INSERT INTO app_user (id, account_id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [user.id, user.accountID, user.username, passwordHash, user.role, user.createdAt])
        }
    }

    public func credentials(username: String) async throws(ServerStoreError) -> (user: User, passwordHash: String)? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE username = ?", arguments: [username]).map { (Self.user($0), $0["password_hash"]) }
        }
    }

    public func users(accountID: String) async throws(ServerStoreError) -> [User] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM app_user WHERE account_id = ? ORDER BY username", arguments: [accountID]).map(Self.user)
        }
    }

    public func hasUsers() async throws(ServerStoreError) -> Bool {
        try await read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM app_user)") ?? false }
    }

    public func setPassword(userID: String, passwordHash: String) async throws(ServerStoreError) {
        try await write(synced: true) { db in
            try db.execute(sql: "UPDATE app_user SET password_hash = ? WHERE id = ?", arguments: [passwordHash, userID])
            // A new password ends every browser session of the old one.
            try db.execute(sql: "DELETE FROM login_session WHERE user_id = ?", arguments: [userID])
        }
    }

    public func insertLoginSession(hash: Data, userID: String, csrfToken: String, expiresAt: Date) async throws(ServerStoreError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM login_session WHERE expires_at < ?", arguments: [Date()])
            try db.execute(sql: "INSERT INTO login_session (cookie_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [hash, userID, csrfToken, expiresAt])
        }
    }

    public func loginSession(hash: Data, now: Date) async throws(ServerStoreError) -> LoginSession? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT app_user.*, login_session.csrf_token, login_session.expires_at, account.name AS account_name,
                       account.created_at AS account_created_at
                FROM login_session JOIN app_user ON app_user.id = login_session.user_id JOIN account ON account.id = app_user.account_id
                WHERE login_session.cookie_hash = ? AND login_session.expires_at > ?
                """, arguments: [hash, now]) else { return nil }
            let user = Self.user(row)
            return LoginSession(user: user, account: Account(id: user.accountID, name: row["account_name"], createdAt: row["account_created_at"]),
                                csrfToken: row["csrf_token"], expiresAt: row["expires_at"])
        }
    }

    public func deleteLoginSession(hash: Data) async throws(ServerStoreError) {
        try await write { db in try db.execute(sql: "DELETE FROM login_session WHERE cookie_hash = ?", arguments: [hash]) }
    }

    private static func user(_ row: Row) -> User {
        User(id: row["id"], accountID: row["account_id"], username: row["username"], role: row["role"], createdAt: row["created_at"])
    }

    // MARK: Agents

    public func insertAgent(_ agent: Agent) async throws(ServerStoreError) {
        try await write(synced: true, uniqueViolation: .nameTaken) { db in
            try db.execute(sql: """
                INSERT INTO agent (id, account_id, name, upstream, tokenization, policy_name, policy_yaml, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [agent.id, agent.accountID, agent.name, agent.upstream, agent.tokenization, agent.policyName,
                                 agent.policyYAML, agent.createdAt])
        }
    }

    public func agent(id: String, accountID: String?) async throws(ServerStoreError) -> Agent? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM agent WHERE id = ?", arguments: [id]) else { return nil }
            let agent = Self.agent(row)
            if let accountID, agent.accountID != accountID { return nil }
            return agent
        }
    }

    public func agents(accountID: String) async throws(ServerStoreError) -> [Agent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM agent WHERE account_id = ? ORDER BY id", arguments: [accountID]).map(Self.agent)
        }
    }

    public func updateAgent(_ agent: Agent) async throws(ServerStoreError) -> Bool {
        try await write(synced: true, uniqueViolation: .nameTaken) { db in
            try db.execute(sql: """
                UPDATE agent SET name = ?, upstream = ?, tokenization = ?, policy_name = ?, policy_yaml = ?
                WHERE id = ? AND account_id = ?
                """, arguments: [agent.name, agent.upstream, agent.tokenization, agent.policyName, agent.policyYAML, agent.id, agent.accountID])
            return db.changesCount > 0
        }
    }

    public func deleteAgent(id: String, accountID: String) async throws(ServerStoreError) -> Bool {
        try await write(synced: true) { db in
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

    public func recordTurn(accountID: String, agentID: String, externalID: String?, turn: SessionTurn,
                           now: Date) async throws(ServerStoreError) -> String {
        try await write { db in
            var session: ProxySession
            if let externalID, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM proxy_session WHERE agent_id = ? AND external_id = ?"),
                                                          arguments: [agentID, externalID]) {
                session = Self.session(row)
            } else {
                session = .empty(id: ServerIDs.next("sess"), accountID: accountID, agentID: agentID, externalID: externalID, at: now)
            }
            session = session.adding(turn, at: now)
            try Self.upsert(session, db)
            return session.id
        }
    }

    public func applySessionDeltas(_ deltas: [ProxySession], turns: [ProxyTurn]) async throws(ServerStoreError) {
        guard !deltas.isEmpty || !turns.isEmpty else { return }
        try await write { db in
            for turn in turns {
                try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO proxy_turn (id, session_id, account_id, agent_id, at, status, stage_ms, spans, restored, unrestorable, sealed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [turn.id, turn.sessionID, turn.accountID, turn.agentID, SQLiteDate.text(turn.at), turn.status,
                                     SessionColumns.encode(turn.stageMillis), TurnColumns.encode(turn.spans), turn.restored,
                                     turn.unrestorable, turn.sealed])
            }
            for delta in deltas {
                // Cached statements: every proxied turn lands here, and compiling the SQL again each
                // time was a twentieth of the proxy's CPU under load.
                let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM proxy_session WHERE id = ?"), arguments: [delta.id])
                    .map(Self.session)
                try Self.upsert(existing.map { $0.merging(delta) } ?? delta, db)
            }
        }
    }

    private static func upsert(_ session: ProxySession, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO proxy_session (id, account_id, agent_id, external_id, started_at, updated_at, turns, status, redactions, stage_ms, passes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, turns = excluded.turns, status = excluded.status,
              redactions = excluded.redactions, stage_ms = excluded.stage_ms, passes = excluded.passes
            """).execute(arguments: [session.id, session.accountID, session.agentID, session.externalID,
                             SQLiteDate.text(session.startedAt), SQLiteDate.text(session.updatedAt),
                             session.turns, session.status, SessionColumns.encode(session.redactionsByKind),
                             SessionColumns.encode(session.stageMillis), SessionColumns.encode(session.redactionsByPass)])
    }

    public func sessions(accountID: String, agentID: String?, status: String?, updatedAfter: Date?, limit: Int,
                         cursor: String?) async throws(ServerStoreError) -> [ProxySession] {
        try await read { db in
            var sql = "SELECT * FROM proxy_session WHERE account_id = ?"
            var arguments: StatementArguments = [accountID]
            if let agentID { sql += " AND agent_id = ?"; _ = arguments.append(contentsOf: [agentID]) }
            if let status { sql += " AND status = ?"; _ = arguments.append(contentsOf: [status]) }
            if let updatedAfter { sql += " AND updated_at > ?"; _ = arguments.append(contentsOf: [updatedAfter]) }
            if let cursor { sql += " AND id < ?"; _ = arguments.append(contentsOf: [cursor]) }
            sql += " ORDER BY id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.session)
        }
    }

    public func session(id: String, accountID: String) async throws(ServerStoreError) -> ProxySession? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM proxy_session WHERE id = ? AND account_id = ?", arguments: [id, accountID])
                .map(Self.session)
        }
    }

    public func turns(sessionID: String, accountID: String, limit: Int) async throws(ServerStoreError) -> [ProxyTurn] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM proxy_turn WHERE session_id = ? AND account_id = ? ORDER BY id LIMIT ?",
                             arguments: [sessionID, accountID, limit]).map { row in
                ProxyTurn(id: row["id"], sessionID: row["session_id"], accountID: row["account_id"], agentID: row["agent_id"], at: row["at"],
                          status: row["status"], stageMillis: SessionColumns.decode(row["stage_ms"]), spans: TurnColumns.decode(row["spans"]),
                          restored: row["restored"], unrestorable: row["unrestorable"], sealed: row["sealed"])
            }
        }
    }

    public func dropTurnPayloads(before cutoff: Date) async throws(ServerStoreError) -> Int {
        try await write(synced: true) { db in
            try db.execute(sql: "UPDATE proxy_turn SET sealed = NULL WHERE at < ? AND sealed IS NOT NULL", arguments: [SQLiteDate.text(cutoff)])
            return db.changesCount
        }
    }

    // MARK: Reports

    public func insertReport(_ report: StoredReport) async throws(ServerStoreError) {
        try await write(synced: true) { db in
            try db.execute(sql: "INSERT INTO report (id, account_id, created_at, scope, verified, sealed) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [report.id, report.accountID, report.createdAt, report.scope, report.verified, report.sealed])
        }
    }

    public func reports(accountID: String, limit: Int) async throws(ServerStoreError) -> [StoredReport] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM report WHERE account_id = ? ORDER BY id DESC LIMIT ?", arguments: [accountID, limit])
                .map(Self.report)
        }
    }

    public func report(id: String, accountID: String) async throws(ServerStoreError) -> StoredReport? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM report WHERE id = ? AND account_id = ?", arguments: [id, accountID]).map(Self.report)
        }
    }

    // MARK: Recordings

    public func insertRecording(_ recording: StoredRecording) async throws(ServerStoreError) {
        try await write(synced: true) { db in
            try db.execute(sql: "INSERT INTO recording (id, account_id, agent_id, session_id, created_at, sealed) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [recording.id, recording.accountID, recording.agentID, recording.sessionID, recording.createdAt, recording.sealed])
        }
    }

    public func recording(id: String, accountID: String) async throws(ServerStoreError) -> StoredRecording? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM recording WHERE id = ? AND account_id = ?", arguments: [id, accountID]).map { row in
                StoredRecording(id: row["id"], accountID: row["account_id"], agentID: row["agent_id"], sessionID: row["session_id"],
                                createdAt: row["created_at"], sealed: row["sealed"])
            }
        }
    }

    public func dropRecordings(before cutoff: Date) async throws(ServerStoreError) -> Int {
        try await write(synced: true) { db in
            try db.execute(sql: "DELETE FROM recording WHERE created_at < ?", arguments: [SQLiteDate.text(cutoff)])
            return db.changesCount
        }
    }

    private static func report(_ row: Row) -> StoredReport {
        StoredReport(id: row["id"], accountID: row["account_id"], createdAt: row["created_at"], scope: row["scope"],
                     verified: row["verified"], sealed: row["sealed"])
    }

    private static func session(_ row: Row) -> ProxySession {
        ProxySession(id: row["id"], accountID: row["account_id"], agentID: row["agent_id"], externalID: row["external_id"],
                     startedAt: row["started_at"], updatedAt: row["updated_at"], turns: row["turns"], status: row["status"],
                     redactionsByKind: SessionColumns.decode(row["redactions"]), redactionsByPass: SessionColumns.decode(row["passes"]), stageMillis: SessionColumns.decode(row["stage_ms"]))
    }

    public func ping() async -> Bool {
        (try? await read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    public func probeWrite() async throws(ServerStoreError) {
        try await write(HealthProbeTable.touch)
    }

    public func close() async {
        try? pool.close()
    }

    // MARK: Plumbing

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(ServerStoreError) -> T {
        do {
            let value = try await pool.read(body)
            health.succeeded(.read)
            return value
        } catch {
            health.failed(.read, reason: "\(error)")
            throw .unavailable("\(error)")
        }
    }

    /// `synced`: the commit waits for the disk (`synchronous = FULL` for this transaction). The
    /// pool's writer runs WAL with GRDB's `NORMAL`, which survives a crash of the process but may
    /// lose the last commits to a power cut. For session counts and log-ins (written on every
    /// turn and every sign-in) that is the right trade; for an account, a user, a password, an
    /// API token or an agent it is not: an agent answered with 201 and pasted into a voice
    /// platform, or an admin token printed at install, must still be there after the power
    /// comes back.
    private func write<T: Sendable>(synced: Bool = false, uniqueViolation: ServerStoreError? = nil,
                                    _ body: @escaping @Sendable (Database) throws -> T) async throws(ServerStoreError) -> T {
        do {
            guard synced else {
                let value = try await pool.write(body)
                health.succeeded(.write)
                return value
            }
            let value = try await pool.writeWithoutTransaction { db in
                // Set outside the transaction (SQLite ignores it inside one), put back after.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw DatabaseError(message: "the transaction returned nothing") }
                return result
            }
            health.succeeded(.write)
            return value
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && uniqueViolation != nil {
            throw uniqueViolation!
        } catch {
            health.failed(.write, reason: "\(error)")
            throw .unavailable("\(error)")
        }
    }
}
