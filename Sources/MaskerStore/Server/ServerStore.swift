import Foundation
import Crypto
import MaskerCore

/// The server's own records — accounts, API tokens, users, login sessions, agents, proxy sessions —
/// in the same storage layer as the vault: SQLite beside it by default (`SQLiteServerStore`), or
/// the PostgreSQL database of `MASKER_DATABASE_URL` (`PostgresServerStore`) so several replicas
/// share them. `ServerStoreLocation` picks one from the environment.
///
/// Every query that reads or changes an account's objects takes the account id: no method can hand
/// one account another's agent or session. Credentials (API tokens, login cookies) are stored only
/// as SHA-256 hashes, passwords only as scrypt hashes.
public protocol ServerStore: Sendable {
    /// For messages: a path, or a URL without its password.
    var location: String { get }

    /// The account of this name, created if missing (`masker admin token` bootstraps `admin`).
    func account(named name: String) async throws(ServerStoreError) -> Account
    func insertToken(id: String, accountID: String, tokenHash: Data, role: String, createdAt: Date) async throws(ServerStoreError)
    func account(forTokenHash hash: Data) async throws(ServerStoreError) -> Account?
    func tokens(accountID: String) async throws(ServerStoreError) -> [APITokenInfo]
    /// Whether a token of this account was revoked; it stops working at once.
    func revokeToken(id: String, accountID: String) async throws(ServerStoreError) -> Bool

    /// Throws `usernameTaken` when any account already has this user name (log-in is by name alone).
    func createUser(_ user: User, passwordHash: String) async throws(ServerStoreError)
    func credentials(username: String) async throws(ServerStoreError) -> (user: User, passwordHash: String)?
    func users(accountID: String) async throws(ServerStoreError) -> [User]
    /// Whether any user exists in any account (the portal shows its first-run page until one does).
    func hasUsers() async throws(ServerStoreError) -> Bool
    func setPassword(userID: String, passwordHash: String) async throws(ServerStoreError)

    func insertLoginSession(hash: Data, userID: String, csrfToken: String, expiresAt: Date) async throws(ServerStoreError)
    /// The live login session of this cookie hash (nil when unknown or expired at `now`).
    func loginSession(hash: Data, now: Date) async throws(ServerStoreError) -> LoginSession?
    func deleteLoginSession(hash: Data) async throws(ServerStoreError)

    /// Throws `nameTaken` when the account already has an agent of this name.
    func insertAgent(_ agent: Agent) async throws(ServerStoreError)
    /// An agent by id; with `accountID`, only that account's (another account's agent is "not found").
    func agent(id: String, accountID: String?) async throws(ServerStoreError) -> Agent?
    func agents(accountID: String) async throws(ServerStoreError) -> [Agent]
    /// Replaces the name, upstream, tokenization and policy of the agent with `agent.id` in
    /// `agent.accountID` (its id and creation time stay): whether there was one. Throws `nameTaken`
    /// when another agent of the account has the new name.
    func updateAgent(_ agent: Agent) async throws(ServerStoreError) -> Bool
    /// Whether an agent of this account was deleted.
    func deleteAgent(id: String, accountID: String) async throws(ServerStoreError) -> Bool

    /// Adds a turn to the session named by the caller's session id (or a new one), and returns the
    /// session's id. Sessions are keyed per agent so two agents' call ids never meet.
    func recordTurn(accountID: String, agentID: String, externalID: String?, turn: SessionTurn, now: Date) async throws(ServerStoreError) -> String
    /// Adds batched turns to sessions: each delta's counts, redactions and timings are summed into
    /// the row of its id (created when missing), its status and `updatedAt` become the row's.
    /// One transaction for the whole batch (`SessionRecorder` writes behind the proxy with this).
    /// `turns` are added in the same transaction, each as a row of its own (`ProxyTurn`).
    func applySessionDeltas(_ deltas: [ProxySession], turns: [ProxyTurn]) async throws(ServerStoreError)
    /// A page of an account's sessions, newest first; `cursor` is the last id of the previous page;
    /// `updatedAfter` keeps only sessions that gained a turn after that moment (`sessions tail`).
    func sessions(accountID: String, agentID: String?, status: String?, updatedAfter: Date?, limit: Int,
                  cursor: String?) async throws(ServerStoreError) -> [ProxySession]
    func session(id: String, accountID: String) async throws(ServerStoreError) -> ProxySession?
    /// A session's turns in the order they were answered, at most `limit`, only in this account.
    func turns(sessionID: String, accountID: String, limit: Int) async throws(ServerStoreError) -> [ProxyTurn]
    /// Forgets the text of every turn answered before `cutoff` (`audit.retention_days`): their
    /// spans, counts and timings stay. Returns how many turns lost their text.
    func dropTurnPayloads(before cutoff: Date) async throws(ServerStoreError) -> Int

    func insertReport(_ report: StoredReport) async throws(ServerStoreError)
    /// The account's reports, newest first, at most `limit`.
    func reports(accountID: String, limit: Int) async throws(ServerStoreError) -> [StoredReport]
    /// One report, only in this account (another account's is "not found").
    func report(id: String, accountID: String) async throws(ServerStoreError) -> StoredReport?

    func insertRecording(_ recording: StoredRecording) async throws(ServerStoreError)
    /// One kept recording, only in this account (another account's is "not found").
    func recording(id: String, accountID: String) async throws(ServerStoreError) -> StoredRecording?
    /// Forgets recordings kept before `cutoff` (`masker audit purge`); how many.
    func dropRecordings(before cutoff: Date) async throws(ServerStoreError) -> Int

    /// Whether the database answers (for `/health`).
    func ping() async -> Bool
    /// A real write that leaves nothing behind (`/health` asks, after a failed write, whether
    /// writes work again).
    func probeWrite() async throws(ServerStoreError)
    /// The last real read, write and connection outcome, for `/health`.
    var health: OperationHealth { get }
    func close() async
}

/// Ids for every server record: prefixed and sortable (`acct_`, `agt_`, `sess_`, `usr_`, `tok_`).
public enum ServerIDs {
    private static let generator = SharedSortableIDGenerator()

    public static func next(_ prefix: String) -> String { generator.next(prefix: prefix) }

    /// For ids that act as credentials (agents: the proxy URL): 80 fresh random bits each.
    public static func unguessable(_ prefix: String) -> String { SortableIDGenerator.unguessable(prefix: prefix) }
}

/// Secrets handed to clients (API tokens, login cookies, CSRF tokens) and the hash the database
/// keeps instead of them.
public enum ServerSecrets {
    /// 256 random bits in lowercase base32 after `prefix`.
    public static func make(prefix: String) -> String {
        prefix + Base32.encode(randomBytes(32)).lowercased()
    }

    /// Bytes from the system's cryptographic generator (secrets, password salts).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in generator.next() }
    }

    public static func hash(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }
}

extension ServerStore {
    public func applySessionDeltas(_ deltas: [ProxySession]) async throws(ServerStoreError) {
        try await applySessionDeltas(deltas, turns: [])
    }

    public func sessions(accountID: String, agentID: String?, status: String?, limit: Int,
                         cursor: String?) async throws(ServerStoreError) -> [ProxySession] {
        try await sessions(accountID: accountID, agentID: agentID, status: status, updatedAfter: nil, limit: limit, cursor: cursor)
    }

    /// A new API token for the account; returns the secret, shown once and stored only hashed.
    public func issueToken(accountID: String, role: String = "admin") async throws(ServerStoreError) -> String {
        try await issueTokenWithID(accountID: accountID, role: role).secret
    }

    /// A new API token and its id (`tok_…`, what `revokeToken` takes).
    public func issueTokenWithID(accountID: String, role: String = "admin") async throws(ServerStoreError) -> (id: String, secret: String) {
        let secret = ServerSecrets.make(prefix: "mk_"), id = ServerIDs.next("tok")
        try await insertToken(id: id, accountID: accountID, tokenHash: ServerSecrets.hash(secret), role: role, createdAt: Date())
        return (id, secret)
    }

    /// The account an API token belongs to, or nil for an unknown token.
    public func account(forToken secret: String) async throws(ServerStoreError) -> Account? {
        try await account(forTokenHash: ServerSecrets.hash(secret))
    }

    /// Starts a login session for the user: returns the cookie secret and the CSRF token.
    public func startLoginSession(userID: String, lifetime: Duration, now: Date = Date()) async throws(ServerStoreError)
        -> (cookie: String, csrfToken: String) {
        let cookie = ServerSecrets.make(prefix: "ms_"), csrf = ServerSecrets.make(prefix: "csrf_")
        try await insertLoginSession(hash: ServerSecrets.hash(cookie), userID: userID, csrfToken: csrf,
                                     expiresAt: now.addingTimeInterval(Double(lifetime.components.seconds)))
        return (cookie, csrf)
    }

    public func createAgent(accountID: String, name: String, upstream: String, tokenization: String?, policyName: String?,
                            policyYAML: String?) async throws(ServerStoreError) -> Agent {
        let agent = Agent(id: ServerIDs.unguessable("agt"), accountID: accountID, name: name, upstream: upstream, tokenization: tokenization,
                          policyName: policyName, policyYAML: policyYAML, createdAt: Date())
        try await insertAgent(agent)
        return agent
    }
}

extension ProxySession {
    /// A session with no turns yet, started at `now` (a new call, or the delta of a batch).
    public static func empty(id: String, accountID: String, agentID: String, externalID: String?, at now: Date) -> ProxySession {
        ProxySession(id: id, accountID: accountID, agentID: agentID, externalID: externalID, startedAt: now, updatedAt: now, turns: 0,
                     status: "ok", redactionsByKind: [:], stageMillis: [:])
    }

    /// The session after one more turn: counts and timings summed, status from the latest turn.
    public func adding(_ turn: SessionTurn, at now: Date) -> ProxySession {
        var session = self
        session.turns += 1
        session.updatedAt = now
        session.status = turn.status
        for (kind, count) in turn.redactionsByKind { session.redactionsByKind[kind, default: 0] += count }
        for (pass, count) in turn.redactionsByPass { session.redactionsByPass[pass, default: 0] += count }
        for (stage, millis) in turn.stageMillis { session.stageMillis[stage, default: 0] += millis }
        return session
    }

    /// This session with a batch of later turns (`delta`) added.
    public func merging(_ delta: ProxySession) -> ProxySession {
        var session = self
        session.turns += delta.turns
        session.updatedAt = max(session.updatedAt, delta.updatedAt)
        session.status = delta.status
        for (kind, count) in delta.redactionsByKind { session.redactionsByKind[kind, default: 0] += count }
        for (pass, count) in delta.redactionsByPass { session.redactionsByPass[pass, default: 0] += count }
        for (stage, millis) in delta.stageMillis { session.stageMillis[stage, default: 0] += millis }
        return session
    }
}

/// The JSON columns of a session row (redaction counts, stage timings), keys sorted.
///
/// Written and read with MaskerCore's JSON code rather than Foundation's coders: a session row is
/// rewritten on every proxied turn (`SessionRecorder`), and `JSONEncoder` alone made about forty
/// allocations a turn (`bench/allocations.sh`). Rows the coders wrote read back the same.
enum SessionColumns {
    static func encode(_ counts: [String: Int]) -> String { encode(counts, as: JSONValue.int) }
    static func encode(_ millis: [String: Double]) -> String { encode(millis, as: JSONValue.double) }

    private static func encode<Value>(_ values: [String: Value], as json: (Value) -> JSONValue) -> String {
        JSONValue.object(values.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) }).serialized()
    }

    static func decode(_ text: String) -> [String: Int] { decode(text) { $0.intValue } }

    static func decode(_ text: String) -> [String: Double] { decode(text) { $0.doubleValue } }

    /// A column that is not a JSON object of such numbers reads as empty, as it did before.
    private static func decode<Value>(_ text: String, as value: (JSONValue) -> Value?) -> [String: Value] {
        guard case let .object(pairs)? = try? JSONParser.parse(text) else { return [:] }
        var values: [String: Value] = [:]
        for (key, json) in pairs {
            guard let number = value(json) else { return [:] }
            values[key] = number
        }
        return values
    }
}
