import Crypto
import Foundation
import Logging
import MaskerCore
import PostgresNIO
import Synchronization

/// The audit chain in PostgreSQL (`MASKER_AUDIT_STORE=postgres`, the default when
/// `MASKER_DATABASE_URL` is set): one chain for every replica that shares the database, so a
/// replica that goes away (a pod, a machine) takes none of the record with it, and an auditor
/// gets one chain, not one per replica with no way to know one is missing.
///
/// Tables (in the URL's schema, if any): `audit_record` (`seq`, `ts`, `this_hash`, `line`: the
/// record's canonical JSON exactly as the file log writes it), `audit_head` (one row: the chain's
/// last `seq`, `this_hash` and `ts`) and `audit_payload` (kept payloads, as the file beside the log).
///
/// Append discipline, as the file's (`AuditLog`), across replicas:
/// - group commit per replica: events handed over while a commit runs go in the next one, so
///   concurrent turns share one transaction;
/// - a serialised head: each commit locks `audit_head`'s row (`SELECT … FOR UPDATE`), chains its
///   records from the head it read, inserts them and moves the head, in one transaction: two
///   replicas never chain from the same head, so the chain never forks;
/// - times never go backwards along the chain: a record is stamped no earlier than the head
///   (replicas' clocks differ a little), so retention still drops a prefix;
/// - durable at COMMIT (PostgreSQL's `synchronous_commit`, on by default); a failed commit leaves
///   nothing, and every caller of its group fails closed.
public final class PostgresAuditLog: AuditStore, @unchecked Sendable {
    // Immutable after init; the pool is thread-safe; `queue` is guarded by its mutex.
    let pool: PostgresPool
    let key: SymmetricKey
    private let mac: HMAC<SHA256>
    private let payloadKey: SymmetricKey
    public let recordKey: SymmetricKey
    public let location: String
    /// The schema holding the tables when one was named, else nil (the connection's search path).
    public let schema: String?
    let records: String, head: String, payloads: String
    let queue = Mutex(Queue())

    struct Queue {
        var pending: [Pending] = []
        var committing = false
        var ids = SortableIDGenerator()
        /// The head after the last group this replica sent, or as it last read it (nil: read it first).
        var head: Head?
    }

    struct Pending {
        var events: [AuditEvent]
        var payload: AuditLog.Payload?
        var done: AuditAppend
    }

    /// Rows read per query when walking the chain (verify, export, report, purge).
    static let page = 5000

    /// Connects, creates the tables if needed, and checks the chain's last record verifies under
    /// `key` (appending under another key would start a chain no one can verify). Throws naming
    /// the host and cause, never the password.
    public init(url: String, schema: String? = nil, key: SymmetricKey, timeout: Duration = .seconds(10),
                timeouts: StoreTimeouts = .defaults, logger: Logger = Logger(label: "masker.audit")) async throws(AuditLogError) {
        let pool: PostgresPool
        do {
            pool = try await PostgresPool.open(url: url, schema: schema, timeout: timeout, timeouts: timeouts, logger: logger, what: "audit log")
        } catch {
            let location = (try? PostgresURL(url).redacted) ?? "postgres://…"
            // The pool's message names the database again: said once is enough.
            let prefix = "cannot open PostgreSQL audit log \(location): "
            throw .cannotOpen(path: location, reason: error.reason.hasPrefix(prefix) ? String(error.reason.dropFirst(prefix.count)) : error.reason)
        }
        let settings = pool.settings
        self.pool = pool
        self.schema = settings.schema
        location = settings.redacted
        let prefix = settings.schema.map { "\"\($0)\"." } ?? ""
        records = prefix + "audit_record"
        head = prefix + "audit_head"
        payloads = prefix + "audit_payload"
        self.key = key
        mac = HMAC<SHA256>(key: key)
        payloadKey = PayloadLog.key(from: key)
        recordKey = RecordSeal.key(fromAuditKey: key)
        do {
            try await migrate()
            try await checkHead()
        } catch {
            await pool.close()
            throw error
        }
    }

    public var health: OperationHealth { pool.health }

    public func close() async { await pool.close() }

    /// Drops the log's own schema: for throwaway chains (tests, benchmarks). Refuses when the
    /// tables are not in a named schema, so it cannot drop a real chain living in `public`.
    public func dropSchema() async throws(AuditLogError) {
        guard let schema else { throw .cannotRewrite(path: location, reason: "refusing to drop an audit chain that is not in its own schema") }
        try await run("drop", bounded: false) { client in try await client.query("DROP SCHEMA IF EXISTS \"\(unescaped: schema)\" CASCADE", logger: Self.silent) }
    }

    private func migrate() async throws(AuditLogError) {
        let (records, head, payloads, schema) = (self.records, self.head, self.payloads, self.schema)
        try await run("create the tables of", bounded: false) { client in try await client.withTransaction(logger: Self.silent) { connection in
            // Serialises replicas starting together: CREATE … IF NOT EXISTS alone can still race.
            try await connection.query("SELECT pg_advisory_xact_lock(7236398453)", logger: Self.silent)
            if let schema { try await connection.query("CREATE SCHEMA IF NOT EXISTS \"\(unescaped: schema)\"", logger: Self.silent) }
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS \(unescaped: records) (
                    seq bigint PRIMARY KEY, ts text NOT NULL, this_hash text NOT NULL, line text NOT NULL)
                """, logger: Self.silent)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS \(unescaped: head) (
                    id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL, ts text NOT NULL)
                """, logger: Self.silent)
            try await connection.query("INSERT INTO \(unescaped: head) VALUES (1, 0, \(AuditChain.genesis), '') ON CONFLICT (id) DO NOTHING",
                                       logger: Self.silent)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS \(unescaped: payloads) (id bigserial PRIMARY KEY, ts text NOT NULL, line text NOT NULL)
                """, logger: Self.silent)
        } }
    }

    struct Head: Sendable, Equatable {
        var seq: Int
        var hash: String
        var ts: String
    }

    static func readHead(_ connection: PostgresConnection, _ table: String, lock: Bool) async throws -> Head {
        let rows = try await connection.query("SELECT seq, hash, ts FROM \(unescaped: table) WHERE id = 1\(unescaped: lock ? " FOR UPDATE" : "")",
                                              logger: silent)
        for try await (seq, hash, ts) in rows.decode((Int, String, String).self) { return Head(seq: seq, hash: hash, ts: ts) }
        throw AuditLogError.unreadableTail(path: table, reason: "its head row is missing")
    }

    func currentHead() async throws(AuditLogError) -> Head {
        let table = head
        return try await run("read") { client in try await client.withConnection { try await Self.readHead($0, table, lock: false) } }
    }

    /// The record the head names must be there and verify under our key.
    private func checkHead() async throws(AuditLogError) {
        let head = try await currentHead()
        guard head.seq > 0 else { return }
        let table = records, seq = head.seq
        let lines = try await run("read") { client in
            try await client.query("SELECT line FROM \(unescaped: table) WHERE seq = \(seq)", logger: Self.silent).decode(String.self).all()
        }
        guard let line = lines.first else {
            throw .unreadableTail(path: location, reason: "the head names record \(head.seq), which is not in \(records): records were deleted from the end")
        }
        var verifier = AuditChainVerifier(key: key)
        guard verifier.check(line: Array(line.utf8)[...], number: 1, terminated: true), verifier.previousHash == head.hash else {
            throw .tailDoesNotVerify(path: location)
        }
    }

    // MARK: Appending

    public func submit(_ events: [AuditEvent], payload: AuditLog.Payload?) -> AuditAppend {
        let done = AuditAppend()
        guard !events.isEmpty || payload != nil else {
            done.finish(nil)
            return done
        }
        let start = queue.withLock { queue -> Bool in
            queue.pending.append(Pending(events: events, payload: payload, done: done))
            if queue.committing { return false }
            queue.committing = true
            return true
        }
        if start { Task { await self.drain() } }
        return done
    }

    /// Commits everything waiting, again and again, until nothing is.
    private func drain() async {
        while true {
            let batch = queue.withLock { queue -> [Pending] in
                let taken = queue.pending
                queue.pending = []
                if taken.isEmpty { queue.committing = false }
                return taken
            }
            if batch.isEmpty { return }
            do throws(AuditLogError) {
                try await commit(batch.flatMap(\.events), payloads: batch.compactMap(\.payload))
                for waiter in batch { waiter.done.finish(nil) }
            } catch {
                for waiter in batch { waiter.done.finish(error) }
            }
        }
    }

    /// One statement per group (`appendStatement`), chained after the head this replica last
    /// wrote or read: the statement moves the head only if the head is still there, and inserts
    /// the records (and payloads) only if it moved it; a group costs one round trip and one
    /// commit. When another replica appended in between, nothing was written, and the group is
    /// committed again the sure way (`lockedCommit`): retrying optimistically while several busy
    /// replicas append was measured to starve (a group found the head moved 64 times running).
    /// One group is in flight per replica: sending the next before the last had committed (four
    /// in flight) was tried, and on separate connections the later group often reached the
    /// database first and had to be chained again (p50 0.7 → 3.5 ms, p99 ~5 → ~22 ms in
    /// `masker bench --stages audit_turn_x100_pg`).
    private func commit(_ events: [AuditEvent], payloads kept: [AuditLog.Payload]) async throws(AuditLogError) {
        let lines = payloadLines(kept)
        if let known = queue.withLock({ $0.head }) {
            let batch = queue.withLock { queue in seal(events, after: known, at: Date(), ids: &queue.ids) }
            do {
                let statement = appendStatement(batch, after: known, payloads: try lines(batch.head.ts))
                let moved = try await run("append to") { client in
                    try await client.query(statement, logger: Self.silent).decode(Int.self).all().first ?? 0
                }
                if moved == 1 {
                    queue.withLock { $0.head = batch.head }
                    return
                }
            } catch {
                queue.withLock { $0.head = nil }
                throw error as? AuditLogError ?? .appendFailed(path: location, reason: "\(error)")
            }
        }
        do {
            let head = try await lockedCommit(events, payloads: lines)
            queue.withLock { $0.head = head }
        } catch {
            queue.withLock { $0.head = nil }
            throw error
        }
    }

    /// The group's payloads sealed for a timestamp (the group's own, known once it is chained).
    private func payloadLines(_ kept: [AuditLog.Payload]) -> @Sendable (String) throws -> [String] {
        let key = payloadKey
        return { timestamp in
            do {
                return try kept.map { payload in
                    try PayloadLog.line(masked: payload.masked, timestamp: timestamp, sessionID: payload.sessionID,
                                        agentID: payload.agentID, key: key)
                }
            } catch {
                throw AuditLogError.appendFailed(path: "audit payloads", reason: "cannot encrypt a payload")
            }
        }
    }

    /// Locks the head row, chains the group from it, inserts it and moves the head, in one
    /// transaction: other replicas' appends wait for the row, so this one always goes through.
    private func lockedCommit(_ events: [AuditEvent], payloads lines: @escaping @Sendable (String) throws -> [String]) async throws(AuditLogError) -> Head {
        let head = self.head
        return try await run("append to") { client in try await client.withTransaction(logger: Self.silent) { connection in
            let current = try await Self.readHead(connection, head, lock: true)
            let batch = self.queue.withLock { queue in self.seal(events, after: current, at: Date(), ids: &queue.ids) }
            try await connection.query(self.appendStatement(batch, after: current, payloads: try lines(batch.head.ts)), logger: Self.silent)
            return batch.head
        } }
    }

    /// A group's records, chained after `head`, and the head they leave.
    struct Sealed {
        var seqs: [Int] = [], hashes: [String] = [], lines: [String] = []
        var head: Head
    }

    /// Stamps and chains `events` after `head`: no earlier than the head (replicas' clocks differ).
    func seal(_ events: [AuditEvent], after head: Head, at now: Date, ids generator: inout SortableIDGenerator) -> Sealed {
        let timestamp = max(UTCTimestamp.format(now), head.ts)
        let ids = events.map { _ in generator.next(prefix: "evt", now: now) }
        var sealed = Sealed(head: Head(seq: head.seq + events.count, hash: head.hash, ts: timestamp))
        for (offset, event) in events.enumerated() {
            let record = AuditChain.seal(event, timestamp: timestamp, eventID: ids[offset], previousHash: sealed.head.hash, mac: mac)
            sealed.head.hash = record.hash
            sealed.seqs.append(head.seq + offset + 1)
            sealed.hashes.append(record.hash)
            sealed.lines.append(record.line)
        }
        return sealed
    }

    /// Moves the head from `head` to the batch's end if it is still at `head` (a concurrent
    /// replica's update waits for the row and then finds it moved), and inserts the payloads and
    /// records only if it did; returns 1 when written, 0 when the head had moved. One statement,
    /// so one transaction: all of it or none.
    func appendStatement(_ batch: Sealed, after head: Head, payloads lines: [String]) -> PostgresQuery {
        """
        WITH moved AS (
            UPDATE \(unescaped: self.head) SET seq = \(batch.head.seq), hash = \(batch.head.hash), ts = \(batch.head.ts)
            WHERE id = 1 AND seq = \(head.seq) AND hash = \(head.hash) RETURNING 1),
        kept AS (
            INSERT INTO \(unescaped: payloads) (ts, line)
            SELECT \(batch.head.ts), l FROM unnest(\(lines)::text[]) AS p(l) WHERE EXISTS (SELECT 1 FROM moved)),
        added AS (
            INSERT INTO \(unescaped: records) (seq, ts, this_hash, line)
            SELECT s, \(batch.head.ts), h, l FROM unnest(\(batch.seqs)::bigint[], \(batch.hashes)::text[], \(batch.lines)::text[]) AS u(s, h, l)
            WHERE EXISTS (SELECT 1 FROM moved))
        SELECT COUNT(*)::bigint FROM moved
        """
    }

    /// Down while PostgreSQL cannot be reached, or while the last append failed and a write to the
    /// head (a row lock taken and let go, nothing changed) still fails.
    public func status() async -> (up: Bool, detail: String) {
        if let since = pool.outageSince {
            return (false, "PostgreSQL \(location) has been unreachable since \(UTCTimestamp.format(since)); reconnecting")
        }
        guard let failure = health.failures.first(where: { $0.operation == .write }) else { return (true, "appending to \(location)") }
        let table = head
        do throws(AuditLogError) {
            try await run("probe") { client in try await client.query("UPDATE \(unescaped: table) SET seq = seq WHERE id = 1", logger: Self.silent) }
            return (true, "appending to \(location)")
        } catch {
            return (false, "the last append failed at \(UTCTimestamp.format(failure.at)) and writes still fail: \(error.description)")
        }
    }

    /// One operation through the pool (deadline, outage, health); its failure named with the
    /// chain's location and the database's reason, never a bound value.
    @discardableResult
    func run<T: Sendable>(_ what: String, bounded: Bool = true,
                                  _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws(AuditLogError) -> T {
        do {
            return try await pool.run(what == "read" ? .read : .write, bounded: bounded, body)
        } catch let error as AuditLogError {
            throw error
        } catch {
            throw .appendFailed(path: location, reason: "cannot \(what) the audit chain: \(PostgresPool.reason(error))")
        }
    }

    /// Query logs would carry bound values (records, payloads): never log queries.
    static let silent = PostgresPool.silent
}

extension AsyncSequence where Self: Sendable {
    /// Every element, in order: a page of rows, read whole before it is visited.
    func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
