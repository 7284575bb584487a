import Foundation
import Logging
import MaskerCore
import PostgresNIO

/// The server's records in the PostgreSQL database of `MASKER_DATABASE_URL`, beside the vault's
/// table: several Masker replicas then share agents, users, tokens and sessions. Same tables and
/// semantics as `SQLiteServerStore`.
public final class PostgresServerStore: ServerStore, @unchecked Sendable {
    // Immutable after init; the pool is thread-safe.
    private let pool: PostgresPool
    /// `"schema".` or empty: prefixed to every table name.
    private let prefix: String
    public let location: String
    public let schema: String?

    /// `timeouts` bound each operation and connection after start-up (`StoreTimeouts`).
    public init(url: String, schema: String? = nil, timeout: Duration = .seconds(10), timeouts: StoreTimeouts = .defaults,
                logger: Logger = Logger(label: "masker.server.db")) async throws(ServerStoreError) {
        let pool: PostgresPool
        do {
            pool = try await PostgresPool.open(url: url, schema: schema, timeout: timeout, timeouts: timeouts, logger: logger,
                                               what: "server database")
        } catch {
            throw .unavailable(error.reason)
        }
        self.pool = pool
        location = pool.settings.redacted
        self.schema = pool.settings.schema
        prefix = pool.settings.schema.map { "\"\($0)\"." } ?? ""
        do {
            try await migrate()
        } catch {
            await pool.close()
            throw failure("open", error)
        }
    }

    public var health: OperationHealth { pool.health }

    public func close() async {
        await pool.close()
    }

    /// Drops this store's own schema (tests); refuses without one, so it never touches `public`.
    public func dropSchema() async throws(ServerStoreError) {
        guard let schema else { throw .unavailable("refusing to drop tables that are not in their own schema") }
        try await run("drop", bounded: false) { client in
            try await client.query("DROP SCHEMA IF EXISTS \"\(unescaped: schema)\" CASCADE", logger: PostgresPool.silent)
        }
    }

    private func migrate() async throws {
        let p = prefix, schema = self.schema
        try await pool.run(.write, bounded: false) { client in try await client.withTransaction(logger: PostgresPool.silent) { connection in
            // Serialises replicas starting together: CREATE … IF NOT EXISTS alone can still race.
            try await connection.query("SELECT pg_advisory_xact_lock(7236398453)", logger: PostgresPool.silent)
            if let schema {
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \"\(unescaped: schema)\"", logger: PostgresPool.silent)
            }
            for statement in [
                "CREATE TABLE IF NOT EXISTS \(p)account (id text PRIMARY KEY, name text NOT NULL UNIQUE, created_at timestamptz NOT NULL)",
                """
                CREATE TABLE IF NOT EXISTS \(p)api_token (id text PRIMARY KEY,
                    account_id text NOT NULL REFERENCES \(p)account(id) ON DELETE CASCADE, token_hash bytea NOT NULL UNIQUE,
                    role text NOT NULL, created_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE IF NOT EXISTS \(p)agent (id text PRIMARY KEY,
                    account_id text NOT NULL REFERENCES \(p)account(id) ON DELETE CASCADE, name text NOT NULL, upstream text NOT NULL,
                    tokenization text, policy_name text, policy_yaml text, created_at timestamptz NOT NULL, UNIQUE (account_id, name))
                """,
                """
                CREATE TABLE IF NOT EXISTS \(p)proxy_session (id text PRIMARY KEY, account_id text NOT NULL, agent_id text NOT NULL,
                    external_id text, started_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, turns integer NOT NULL,
                    status text NOT NULL, redactions text NOT NULL, stage_ms text NOT NULL, UNIQUE (agent_id, external_id))
                """,
                "CREATE INDEX IF NOT EXISTS proxy_session_account ON \(p)proxy_session (account_id, id)",
                // Added after the table: a database made by an earlier version gains it here.
                "ALTER TABLE \(p)proxy_session ADD COLUMN IF NOT EXISTS passes text NOT NULL DEFAULT '{}'",
                """
                CREATE TABLE IF NOT EXISTS \(p)proxy_turn (id text PRIMARY KEY, session_id text NOT NULL, account_id text NOT NULL,
                    agent_id text NOT NULL, at timestamptz NOT NULL, status text NOT NULL, stage_ms text NOT NULL, spans text NOT NULL,
                    restored integer NOT NULL, unrestorable integer NOT NULL, sealed bytea)
                """,
                "CREATE INDEX IF NOT EXISTS proxy_turn_session ON \(p)proxy_turn (session_id, id)",
                "CREATE INDEX IF NOT EXISTS proxy_turn_at ON \(p)proxy_turn (at)",
                """
                CREATE TABLE IF NOT EXISTS \(p)report (id text PRIMARY KEY, account_id text NOT NULL, created_at timestamptz NOT NULL,
                    scope text NOT NULL, verified boolean NOT NULL, sealed bytea NOT NULL)
                """,
                "CREATE INDEX IF NOT EXISTS report_account ON \(p)report (account_id, id)",
                """
                CREATE TABLE IF NOT EXISTS \(p)recording (id text PRIMARY KEY, account_id text NOT NULL, agent_id text,
                    session_id text NOT NULL, created_at timestamptz NOT NULL, sealed bytea NOT NULL)
                """,
                "CREATE INDEX IF NOT EXISTS recording_created ON \(p)recording (created_at)",
                """
                CREATE TABLE IF NOT EXISTS \(p)app_user (id text PRIMARY KEY,
                    account_id text NOT NULL REFERENCES \(p)account(id) ON DELETE CASCADE, username text NOT NULL UNIQUE,
                    password_hash text NOT NULL, role text NOT NULL, created_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE IF NOT EXISTS \(p)login_session (cookie_hash bytea PRIMARY KEY,
                    user_id text NOT NULL REFERENCES \(p)app_user(id) ON DELETE CASCADE, csrf_token text NOT NULL,
                    expires_at timestamptz NOT NULL)
                """,
            ] {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: PostgresPool.silent)
            }
            try await connection.query(HealthProbeTable.create("\(p)health_probe"), logger: PostgresPool.silent)
        } }
    }

    // MARK: Accounts and tokens

    public func account(named name: String) async throws(ServerStoreError) -> Account {
        let p = prefix, id = ServerIDs.next("acct"), now = Date()
        return try await run("write") { client in
            // Insert-or-nothing, then read: two servers bootstrapping the same name get one account.
            try await client.query("INSERT INTO \(unescaped: p)account (id, name, created_at) VALUES (\(id), \(name), \(now)) ON CONFLICT (name) DO NOTHING",
                                   logger: PostgresPool.silent)
            let rows = try await client.query("SELECT id, name, created_at FROM \(unescaped: p)account WHERE name = \(name)", logger: PostgresPool.silent)
            for try await (id, name, created) in rows.decode((String, String, Date).self) { return Account(id: id, name: name, createdAt: created) }
            throw ServerStoreError.unavailable("the account vanished while it was created")
        }
    }

    public func insertToken(id: String, accountID: String, tokenHash: Data, role: String, createdAt: Date) async throws(ServerStoreError) {
        let p = prefix, hash = ByteBuffer(bytes: tokenHash)
        try await run("write") { client in
            try await client.query("""
                INSERT INTO \(unescaped: p)api_token (id, account_id, token_hash, role, created_at)
                VALUES (\(id), \(accountID), \(hash), \(role), \(createdAt))
                """, logger: PostgresPool.silent)
        }
    }

    public func account(forTokenHash hash: Data) async throws(ServerStoreError) -> Account? {
        let p = prefix, bytes = ByteBuffer(bytes: hash)
        return try await run("read") { client in
            let rows = try await client.query("""
                SELECT a.id, a.name, a.created_at FROM \(unescaped: p)api_token t JOIN \(unescaped: p)account a ON a.id = t.account_id
                WHERE t.token_hash = \(bytes)
                """, logger: PostgresPool.silent)
            for try await (id, name, created) in rows.decode((String, String, Date).self) { return Account(id: id, name: name, createdAt: created) }
            return nil
        }
    }

    public func tokens(accountID: String) async throws(ServerStoreError) -> [APITokenInfo] {
        let p = prefix
        return try await run("read") { client in
            var tokens: [APITokenInfo] = []
            let rows = try await client.query(
                "SELECT id, role, created_at FROM \(unescaped: p)api_token WHERE account_id = \(accountID) ORDER BY id", logger: PostgresPool.silent)
            for try await (id, role, created) in rows.decode((String, String, Date).self) { tokens.append(APITokenInfo(id: id, role: role, createdAt: created)) }
            return tokens
        }
    }

    public func revokeToken(id: String, accountID: String) async throws(ServerStoreError) -> Bool {
        let p = prefix
        return try await run("write") { client in
            let rows = try await client.query(
                "DELETE FROM \(unescaped: p)api_token WHERE id = \(id) AND account_id = \(accountID) RETURNING id", logger: PostgresPool.silent)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    // MARK: Users and login sessions

    public func createUser(_ user: User, passwordHash: String) async throws(ServerStoreError) {
        let p = prefix
        try await run("write", uniqueViolation: .usernameTaken) { client in
            try await client.query("""
                INSERT INTO \(unescaped: p)app_user (id, account_id, username, password_hash, role, created_at)
                VALUES (\(user.id), \(user.accountID), \(user.username), \(passwordHash), \(user.role), \(user.createdAt))
                """, logger: PostgresPool.silent)
        }
    }

    private static let userColumns = "u.id, u.account_id, u.username, u.role, u.created_at"
    private typealias UserRow = (String, String, String, String, Date)
    private static func user(_ row: UserRow) -> User { User(id: row.0, accountID: row.1, username: row.2, role: row.3, createdAt: row.4) }

    public func credentials(username: String) async throws(ServerStoreError) -> (user: User, passwordHash: String)? {
        let p = prefix
        return try await run("read") { client in
            let rows = try await client.query(
                "SELECT \(unescaped: Self.userColumns), u.password_hash FROM \(unescaped: p)app_user u WHERE u.username = \(username)",
                logger: PostgresPool.silent)
            for try await row in rows.decode((String, String, String, String, Date, String).self) {
                return (Self.user((row.0, row.1, row.2, row.3, row.4)), row.5)
            }
            return nil
        }
    }

    public func hasUsers() async throws(ServerStoreError) -> Bool {
        let p = prefix
        return try await run("read") { client in
            for try await exists in try await client.query("SELECT EXISTS (SELECT 1 FROM \(unescaped: p)app_user)",
                                                           logger: PostgresPool.silent).decode(Bool.self) { return exists }
            return false
        }
    }

    public func users(accountID: String) async throws(ServerStoreError) -> [User] {
        let p = prefix
        return try await run("read") { client in
            var users: [User] = []
            let rows = try await client.query(
                "SELECT \(unescaped: Self.userColumns) FROM \(unescaped: p)app_user u WHERE u.account_id = \(accountID) ORDER BY u.username",
                logger: PostgresPool.silent)
            for try await row in rows.decode(UserRow.self) { users.append(Self.user(row)) }
            return users
        }
    }

    public func setPassword(userID: String, passwordHash: String) async throws(ServerStoreError) {
        let p = prefix
        try await run("write") { client in
            try await client.withTransaction(logger: PostgresPool.silent) { connection in
                try await connection.query("UPDATE \(unescaped: p)app_user SET password_hash = \(passwordHash) WHERE id = \(userID)",
                                           logger: PostgresPool.silent)
                // A new password ends every browser session of the old one.
                try await connection.query("DELETE FROM \(unescaped: p)login_session WHERE user_id = \(userID)", logger: PostgresPool.silent)
            }
        }
    }

    public func insertLoginSession(hash: Data, userID: String, csrfToken: String, expiresAt: Date) async throws(ServerStoreError) {
        let p = prefix, bytes = ByteBuffer(bytes: hash), now = Date()
        try await run("write") { client in
            try await client.query("DELETE FROM \(unescaped: p)login_session WHERE expires_at < \(now)", logger: PostgresPool.silent)
            try await client.query("""
                INSERT INTO \(unescaped: p)login_session (cookie_hash, user_id, csrf_token, expires_at)
                VALUES (\(bytes), \(userID), \(csrfToken), \(expiresAt))
                """, logger: PostgresPool.silent)
        }
    }

    public func loginSession(hash: Data, now: Date) async throws(ServerStoreError) -> LoginSession? {
        let p = prefix, bytes = ByteBuffer(bytes: hash)
        return try await run("read") { client in
            let rows = try await client.query("""
                SELECT \(unescaped: Self.userColumns), s.csrf_token, s.expires_at, a.name, a.created_at
                FROM \(unescaped: p)login_session s JOIN \(unescaped: p)app_user u ON u.id = s.user_id JOIN \(unescaped: p)account a ON a.id = u.account_id
                WHERE s.cookie_hash = \(bytes) AND s.expires_at > \(now)
                """, logger: PostgresPool.silent)
            for try await row in rows.decode((String, String, String, String, Date, String, Date, String, Date).self) {
                let user = Self.user((row.0, row.1, row.2, row.3, row.4))
                return LoginSession(user: user, account: Account(id: user.accountID, name: row.7, createdAt: row.8), csrfToken: row.5,
                                    expiresAt: row.6)
            }
            return nil
        }
    }

    public func deleteLoginSession(hash: Data) async throws(ServerStoreError) {
        let p = prefix, bytes = ByteBuffer(bytes: hash)
        try await run("write") { client in
            try await client.query("DELETE FROM \(unescaped: p)login_session WHERE cookie_hash = \(bytes)", logger: PostgresPool.silent)
        }
    }

    // MARK: Agents

    private static let agentColumns = "id, account_id, name, upstream, tokenization, policy_name, policy_yaml, created_at"
    private typealias AgentRow = (String, String, String, String, String?, String?, String?, Date)
    private static func agent(_ row: AgentRow) -> Agent {
        Agent(id: row.0, accountID: row.1, name: row.2, upstream: row.3, tokenization: row.4, policyName: row.5, policyYAML: row.6, createdAt: row.7)
    }

    public func insertAgent(_ agent: Agent) async throws(ServerStoreError) {
        let p = prefix
        try await run("write", uniqueViolation: .nameTaken) { client in
            try await client.query("""
                INSERT INTO \(unescaped: p)agent (\(unescaped: Self.agentColumns))
                VALUES (\(agent.id), \(agent.accountID), \(agent.name), \(agent.upstream), \(agent.tokenization), \(agent.policyName),
                        \(agent.policyYAML), \(agent.createdAt))
                """, logger: PostgresPool.silent)
        }
    }

    public func agent(id: String, accountID: String?) async throws(ServerStoreError) -> Agent? {
        let p = prefix
        return try await run("read") { client in
            let rows = try await client.query("SELECT \(unescaped: Self.agentColumns) FROM \(unescaped: p)agent WHERE id = \(id)",
                                              logger: PostgresPool.silent)
            for try await row in rows.decode(AgentRow.self) {
                let agent = Self.agent(row)
                if let accountID, agent.accountID != accountID { return nil }
                return agent
            }
            return nil
        }
    }

    public func agents(accountID: String) async throws(ServerStoreError) -> [Agent] {
        let p = prefix
        return try await run("read") { client in
            var agents: [Agent] = []
            let rows = try await client.query(
                "SELECT \(unescaped: Self.agentColumns) FROM \(unescaped: p)agent WHERE account_id = \(accountID) ORDER BY id", logger: PostgresPool.silent)
            for try await row in rows.decode(AgentRow.self) { agents.append(Self.agent(row)) }
            return agents
        }
    }

    public func updateAgent(_ agent: Agent) async throws(ServerStoreError) -> Bool {
        let p = prefix
        return try await run("write", uniqueViolation: .nameTaken) { client in
            let rows = try await client.query("""
                UPDATE \(unescaped: p)agent SET name = \(agent.name), upstream = \(agent.upstream), tokenization = \(agent.tokenization),
                       policy_name = \(agent.policyName), policy_yaml = \(agent.policyYAML)
                WHERE id = \(agent.id) AND account_id = \(agent.accountID) RETURNING id
                """, logger: PostgresPool.silent)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    public func deleteAgent(id: String, accountID: String) async throws(ServerStoreError) -> Bool {
        let p = prefix
        return try await run("write") { client in
            let rows = try await client.query(
                "DELETE FROM \(unescaped: p)agent WHERE id = \(id) AND account_id = \(accountID) RETURNING id", logger: PostgresPool.silent)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    // MARK: Sessions

    private static let sessionColumns = "id, account_id, agent_id, external_id, started_at, updated_at, turns, status, redactions, stage_ms, passes"
    private typealias SessionRow = (String, String, String, String?, Date, Date, Int, String, String, String, String)
    private static func session(_ row: SessionRow) -> ProxySession {
        ProxySession(id: row.0, accountID: row.1, agentID: row.2, externalID: row.3, startedAt: row.4, updatedAt: row.5, turns: row.6,
                     status: row.7, redactionsByKind: SessionColumns.decode(row.8), redactionsByPass: SessionColumns.decode(row.10),
                     stageMillis: SessionColumns.decode(row.9))
    }

    public func recordTurn(accountID: String, agentID: String, externalID: String?, turn: SessionTurn,
                           now: Date) async throws(ServerStoreError) -> String {
        let p = prefix, fresh = ProxySession.empty(id: ServerIDs.next("sess"), accountID: accountID, agentID: agentID, externalID: externalID, at: now)
        return try await run("write") { client in
            try await client.withTransaction(logger: PostgresPool.silent) { connection in
                var session = fresh
                if let externalID {
                    // Two turns of one call arriving together: the first creates the row, both then
                    // add to it under the row lock, so no turn is lost.
                    try await connection.query("""
                        INSERT INTO \(unescaped: p)proxy_session (\(unescaped: Self.sessionColumns))
                        VALUES (\(fresh.id), \(accountID), \(agentID), \(externalID), \(now), \(now), 0, 'ok', '{}', '{}', '{}')
                        ON CONFLICT (agent_id, external_id) DO NOTHING
                        """, logger: PostgresPool.silent)
                    let rows = try await connection.query("""
                        SELECT \(unescaped: Self.sessionColumns) FROM \(unescaped: p)proxy_session
                        WHERE agent_id = \(agentID) AND external_id = \(externalID) FOR UPDATE
                        """, logger: PostgresPool.silent)
                    for try await row in rows.decode(SessionRow.self) { session = Self.session(row) }
                }
                session = session.adding(turn, at: now)
                try await Self.upsert([session], prefix: p, connection)
                return session.id
            }
        }
    }

    public func applySessionDeltas(_ deltas: [ProxySession], turns: [ProxyTurn]) async throws(ServerStoreError) {
        guard !deltas.isEmpty || !turns.isEmpty else { return }
        let p = prefix
        // Sorted so two replicas flushing overlapping batches lock rows in the same order.
        let sorted = deltas.sorted { $0.id < $1.id }
        try await run("write") { client in
            // Three statements whatever the batch's size: a batch of a thousand sessions written
            // row by row took over the query timeout on a busy host (bench/scale-out.py).
            try await client.withTransaction(logger: PostgresPool.silent) { connection in
                if !turns.isEmpty { try await Self.insert(turns, prefix: p, connection) }
                var existing: [String: ProxySession] = [:]
                let rows = try await connection.query("""
                    SELECT \(unescaped: Self.sessionColumns) FROM \(unescaped: p)proxy_session WHERE id = ANY(\(sorted.map(\.id))::text[])
                    ORDER BY id FOR UPDATE
                    """, logger: PostgresPool.silent)
                for try await row in rows.decode(SessionRow.self) { existing[row.0] = Self.session(row) }
                if !sorted.isEmpty {
                    try await Self.upsert(sorted.map { delta in existing[delta.id].map { $0.merging(delta) } ?? delta }, prefix: p, connection)
                }
            }
        }
    }

    private static let turnColumns = "id, session_id, account_id, agent_id, at, status, stage_ms, spans, restored, unrestorable, sealed"
    private typealias TurnRow = (String, String, String, String, Date, String, String, String, Int, Int, ByteBuffer?)

    /// The turns in one statement (arrays unnested); no turn has an empty sealed text, so an
    /// empty one stands for none.
    private static func insert(_ turns: [ProxyTurn], prefix p: String, _ connection: PostgresConnection) async throws {
        let sealed = turns.map { ByteBuffer(bytes: $0.sealed.map(Array.init) ?? []) }
        try await connection.query("""
            INSERT INTO \(unescaped: p)proxy_turn (\(unescaped: turnColumns))
            SELECT i, s, a, g, to_timestamp(t), st, sm, sp, r::integer, u::integer, NULLIF(c, ''::bytea)
            FROM unnest(\(turns.map(\.id))::text[], \(turns.map(\.sessionID))::text[], \(turns.map(\.accountID))::text[],
                        \(turns.map(\.agentID))::text[], \(turns.map { $0.at.timeIntervalSince1970 })::float8[], \(turns.map(\.status))::text[],
                        \(turns.map { SessionColumns.encode($0.stageMillis) })::text[], \(turns.map { TurnColumns.encode($0.spans) })::text[],
                        \(turns.map(\.restored))::int8[], \(turns.map(\.unrestorable))::int8[], \(sealed)::bytea[])
                 AS x(i, s, a, g, t, st, sm, sp, r, u, c)
            ON CONFLICT (id) DO NOTHING
            """, logger: PostgresPool.silent)
    }

    public func turns(sessionID: String, accountID: String, limit: Int) async throws(ServerStoreError) -> [ProxyTurn] {
        let p = prefix
        return try await run("read") { client in
            let rows = try await client.query("""
                SELECT \(unescaped: Self.turnColumns) FROM \(unescaped: p)proxy_turn
                WHERE session_id = \(sessionID) AND account_id = \(accountID) ORDER BY id LIMIT \(limit)
                """, logger: PostgresPool.silent)
            var turns: [ProxyTurn] = []
            for try await row in rows.decode(TurnRow.self) {
                turns.append(ProxyTurn(id: row.0, sessionID: row.1, accountID: row.2, agentID: row.3, at: row.4, status: row.5,
                                       stageMillis: SessionColumns.decode(row.6), spans: TurnColumns.decode(row.7), restored: row.8,
                                       unrestorable: row.9, sealed: row.10.map { Data($0.readableBytesView) }))
            }
            return turns
        }
    }

    public func dropTurnPayloads(before cutoff: Date) async throws(ServerStoreError) -> Int {
        let p = prefix
        return try await run("write") { client in
            let rows = try await client.query("""
                WITH dropped AS (UPDATE \(unescaped: p)proxy_turn SET sealed = NULL WHERE at < \(cutoff) AND sealed IS NOT NULL RETURNING 1)
                SELECT count(*)::bigint FROM dropped
                """, logger: PostgresPool.silent)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    /// Sessions written whole, in one statement (their rows are locked by the caller, who merged
    /// them); an empty external id stands for none, which `SessionIDs` never lets a caller send.
    private static func upsert(_ sessions: [ProxySession], prefix p: String, _ connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO \(unescaped: p)proxy_session (\(unescaped: sessionColumns))
            SELECT i, a, g, NULLIF(e, ''), to_timestamp(s), to_timestamp(u), t::integer, st, r, sm, ps
            FROM unnest(\(sessions.map(\.id))::text[], \(sessions.map(\.accountID))::text[], \(sessions.map(\.agentID))::text[],
                        \(sessions.map { $0.externalID ?? "" })::text[], \(sessions.map { $0.startedAt.timeIntervalSince1970 })::float8[],
                        \(sessions.map { $0.updatedAt.timeIntervalSince1970 })::float8[], \(sessions.map(\.turns))::int8[],
                        \(sessions.map(\.status))::text[], \(sessions.map { SessionColumns.encode($0.redactionsByKind) })::text[],
                        \(sessions.map { SessionColumns.encode($0.stageMillis) })::text[],
                        \(sessions.map { SessionColumns.encode($0.redactionsByPass) })::text[])
                 AS x(i, a, g, e, s, u, t, st, r, sm, ps)
            ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, turns = excluded.turns, status = excluded.status,
              redactions = excluded.redactions, stage_ms = excluded.stage_ms, passes = excluded.passes
            """, logger: PostgresPool.silent)
    }

    public func sessions(accountID: String, agentID: String?, status: String?, updatedAfter: Date?, limit: Int,
                         cursor: String?) async throws(ServerStoreError) -> [ProxySession] {
        let p = prefix
        return try await run("read") { client in
            // NULL filters match everything: one statement with bound values, nothing spliced in.
            let rows = try await client.query("""
                SELECT \(unescaped: Self.sessionColumns) FROM \(unescaped: p)proxy_session
                WHERE account_id = \(accountID) AND (\(agentID)::text IS NULL OR agent_id = \(agentID))
                  AND (\(status)::text IS NULL OR status = \(status)) AND (\(cursor)::text IS NULL OR id < \(cursor))
                  AND (\(updatedAfter)::timestamptz IS NULL OR updated_at > \(updatedAfter))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: PostgresPool.silent)
            var sessions: [ProxySession] = []
            for try await row in rows.decode(SessionRow.self) { sessions.append(Self.session(row)) }
            return sessions
        }
    }

    public func session(id: String, accountID: String) async throws(ServerStoreError) -> ProxySession? {
        let p = prefix
        return try await run("read") { client in
            let rows = try await client.query("""
                SELECT \(unescaped: Self.sessionColumns) FROM \(unescaped: p)proxy_session WHERE id = \(id) AND account_id = \(accountID)
                """, logger: PostgresPool.silent)
            for try await row in rows.decode(SessionRow.self) { return Self.session(row) }
            return nil
        }
    }

    // MARK: Reports

    private typealias ReportRow = (String, String, Date, String, Bool, ByteBuffer)

    public func insertReport(_ report: StoredReport) async throws(ServerStoreError) {
        let p = prefix, sealed = ByteBuffer(bytes: report.sealed)
        try await run("write") { client in
            try await client.query("""
                INSERT INTO \(unescaped: p)report (id, account_id, created_at, scope, verified, sealed)
                VALUES (\(report.id), \(report.accountID), \(report.createdAt), \(report.scope), \(report.verified), \(sealed))
                """, logger: PostgresPool.silent)
        }
    }

    public func reports(accountID: String, limit: Int) async throws(ServerStoreError) -> [StoredReport] {
        let p = prefix
        return try await run("read") { client in
            let rows = try await client.query("""
                SELECT id, account_id, created_at, scope, verified, sealed FROM \(unescaped: p)report
                WHERE account_id = \(accountID) ORDER BY id DESC LIMIT \(limit)
                """, logger: PostgresPool.silent)
            var reports: [StoredReport] = []
            for try await row in rows.decode(ReportRow.self) { reports.append(Self.report(row)) }
            return reports
        }
    }

    public func report(id: String, accountID: String) async throws(ServerStoreError) -> StoredReport? {
        let p = prefix
        return try await run("read") { client in
            let rows = try await client.query("""
                SELECT id, account_id, created_at, scope, verified, sealed FROM \(unescaped: p)report
                WHERE id = \(id) AND account_id = \(accountID)
                """, logger: PostgresPool.silent)
            for try await row in rows.decode(ReportRow.self) { return Self.report(row) }
            return nil
        }
    }

    // MARK: Recordings

    public func insertRecording(_ recording: StoredRecording) async throws(ServerStoreError) {
        let p = prefix, sealed = ByteBuffer(bytes: recording.sealed)
        try await run("write") { client in
            try await client.query("""
                INSERT INTO \(unescaped: p)recording (id, account_id, agent_id, session_id, created_at, sealed)
                VALUES (\(recording.id), \(recording.accountID), \(recording.agentID), \(recording.sessionID), \(recording.createdAt), \(sealed))
                """, logger: PostgresPool.silent)
        }
    }

    public func recording(id: String, accountID: String) async throws(ServerStoreError) -> StoredRecording? {
        let p = prefix
        return try await run("read") { client in
            let rows = try await client.query("""
                SELECT id, account_id, agent_id, session_id, created_at, sealed FROM \(unescaped: p)recording
                WHERE id = \(id) AND account_id = \(accountID)
                """, logger: PostgresPool.silent)
            for try await row in rows.decode((String, String, String?, String, Date, ByteBuffer).self) {
                return StoredRecording(id: row.0, accountID: row.1, agentID: row.2, sessionID: row.3, createdAt: row.4,
                                       sealed: Data(row.5.readableBytesView))
            }
            return nil
        }
    }

    public func dropRecordings(before cutoff: Date) async throws(ServerStoreError) -> Int {
        let p = prefix
        return try await run("write") { client in
            let rows = try await client.query("""
                WITH dropped AS (DELETE FROM \(unescaped: p)recording WHERE created_at < \(cutoff) RETURNING 1) SELECT count(*)::bigint FROM dropped
                """, logger: PostgresPool.silent)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    private static func report(_ row: ReportRow) -> StoredReport {
        StoredReport(id: row.0, accountID: row.1, createdAt: row.2, scope: row.3, verified: row.4, sealed: Data(row.5.readableBytesView))
    }

    public func ping() async -> Bool {
        (try? await run("read") { client in
            for try await value in try await client.query("SELECT 1", logger: PostgresPool.silent).decode(Int.self) { return value == 1 }
            return false
        }) ?? false
    }

    public func probeWrite() async throws(ServerStoreError) {
        let p = prefix
        try await run("write") { client in
            try await client.query(HealthProbeTable.touch("\(p)health_probe"), logger: PostgresPool.silent)
        }
    }

    // MARK: Plumbing

    /// One operation through the pool (deadline, outage, health); `operation` is "read" or a
    /// kind of write, for the message.
    @discardableResult
    private func run<T: Sendable>(_ operation: String, bounded: Bool = true, uniqueViolation: ServerStoreError? = nil,
                                  _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws(ServerStoreError) -> T {
        do {
            return try await pool.run(operation == "read" ? .read : .write, bounded: bounded, body)
        } catch let error as ServerStoreError {
            throw error
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" && uniqueViolation != nil {
            throw uniqueViolation!
        } catch {
            throw failure(operation, error)
        }
    }

    private func failure(_ operation: String, _ error: Error) -> ServerStoreError {
        .unavailable("cannot \(operation) PostgreSQL server database \(location): \(PostgresPool.reason(error))")
    }
}
