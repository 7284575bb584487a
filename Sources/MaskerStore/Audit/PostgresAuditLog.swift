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
    private let pool: PostgresPool
    private let key: SymmetricKey
    private let mac: HMAC<SHA256>
    private let payloadKey: SymmetricKey
    public let recordKey: SymmetricKey
    public let location: String
    /// The schema holding the tables when one was named, else nil (the connection's search path).
    public let schema: String?
    private let records: String, head: String, payloads: String
    private let queue = Mutex(Queue())

    private struct Queue {
        var pending: [Pending] = []
        /// Groups being committed now (`drain` loops running).
        var inFlight = 0
        var ids = SortableIDGenerator()
        /// The head after the last group this replica sent, or as it last read it (nil: read it first).
        var head: Head?
    }

    private struct Pending {
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

    private static func readHead(_ connection: PostgresConnection, _ table: String, lock: Bool) async throws -> Head {
        let rows = try await connection.query("SELECT seq, hash, ts FROM \(unescaped: table) WHERE id = 1\(unescaped: lock ? " FOR UPDATE" : "")",
                                              logger: silent)
        for try await (seq, hash, ts) in rows.decode((Int, String, String).self) { return Head(seq: seq, hash: hash, ts: ts) }
        throw AuditLogError.unreadableTail(path: table, reason: "its head row is missing")
    }

    private func currentHead() async throws(AuditLogError) -> Head {
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
            guard queue.inFlight < Self.maxInFlight else { return false }
            queue.inFlight += 1
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
                if taken.isEmpty { queue.inFlight -= 1 }
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

    /// One group in flight per replica. Chaining a second group after one still being committed
    /// was tried (four in flight): on separate connections the later statement often reached the
    /// database first, found the head not yet moved, and every group after it chained again;
    /// p50 went from 0.7 to 3.5 ms and p99 from ~5 to ~22 ms (`masker bench --stages audit_turn_x100_pg`).
    static let maxInFlight = 1

    /// One statement per group (`appendStatement`), chained after the head this replica last
    /// wrote or read: the statement moves the head only if the head is still there, and inserts
    /// the records (and payloads) only if it moved it; a group costs one round trip and one
    /// commit. When another replica appended in between, nothing was written, and the group is
    /// committed again the sure way (`lockedCommit`): retrying optimistically while several busy
    /// replicas append was measured to starve (a group found the head moved 64 times running).
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
    private struct Sealed {
        var seqs: [Int] = [], hashes: [String] = [], lines: [String] = []
        var head: Head
    }

    /// Stamps and chains `events` after `head`: no earlier than the head (replicas' clocks differ).
    private func seal(_ events: [AuditEvent], after head: Head, at now: Date, ids generator: inout SortableIDGenerator) -> Sealed {
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
    private func appendStatement(_ batch: Sealed, after head: Head, payloads lines: [String]) -> PostgresQuery {
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

    /// Seals `events` after `head` (the locked head row, in a transaction) and inserts them,
    /// moving the head: retention's checkpoint.
    private func insert(_ events: [AuditEvent], after head: Head, on connection: PostgresConnection) async throws {
        let batch = queue.withLock { queue in seal(events, after: head, at: Date(), ids: &queue.ids) }
        try await connection.query("""
            INSERT INTO \(unescaped: records) (seq, ts, this_hash, line)
            SELECT s, \(batch.head.ts), h, l FROM unnest(\(batch.seqs)::bigint[], \(batch.hashes)::text[], \(batch.lines)::text[]) AS u(s, h, l)
            """, logger: Self.silent)
        try await connection.query("""
            UPDATE \(unescaped: self.head) SET seq = \(batch.head.seq), hash = \(batch.head.hash), ts = \(batch.head.ts) WHERE id = 1
            """, logger: Self.silent)
    }

    // MARK: Reading

    /// Up to `page` records after `seq`, up to `last`, oldest first.
    private func records(after seq: Int, upTo last: Int) async throws(AuditLogError) -> [(seq: Int, line: String)] {
        let table = records, limit = Self.page
        return try await run("read", bounded: false) { client in
            try await client.query("""
                SELECT seq, line FROM \(unescaped: table) WHERE seq > \(seq) AND seq <= \(last) ORDER BY seq LIMIT \(limit)
                """, logger: Self.silent).decode((Int, String).self).all().map { (seq: $0.0, line: $0.1) }
        }
    }

    /// Every record up to the head read when the walk began, oldest first, until `visit` says stop.
    private func walk(upTo last: Int, _ visit: (Int, String) throws -> Bool) async throws {
        var after = 0
        while true {
            let rows = try await records(after: after, upTo: last)
            for row in rows { guard try visit(row.seq, row.line) else { return } }
            guard rows.count == Self.page, let end = rows.last?.seq else { return }
            after = end
        }
    }

    public func verify(expectedRoot: String?) async throws -> AuditChainVerifier.Outcome {
        let head = try await currentHead()
        var verifier = AuditChainVerifier(key: key, expectedRoot: expectedRoot)
        var number = 0, lastSeq = 0
        try await walk(upTo: head.seq) { seq, line in
            number += 1
            lastSeq = seq
            return verifier.check(line: Array(line.utf8)[...], number: number, terminated: true)
        }
        var outcome = verifier.finish()
        // The head row says where the chain ends: records cut from the end show without a root kept.
        if outcome.holds, lastSeq != head.seq || outcome.root != head.hash {
            outcome.firstBreak = .init(line: number, reason: "the chain's head names record \(head.seq) (\(head.hash.prefix(16))…), but the records end at \(lastSeq) (\(outcome.root.prefix(16))…): records were deleted from the end of the chain")
        }
        return outcome
    }

    public func report(scope: ReportScope, policy: Policy, now: Date) async throws -> JSONValue {
        let head = try await currentHead()
        var builder = AuditReportBuilder(scope: scope, key: key)
        var number = 0
        try await walk(upTo: head.seq) { _, line in
            number += 1
            builder.add(line: Array(line.utf8)[...], number: number, terminated: true)
            return true
        }
        var selection = PayloadLog.Selection(auditKey: key, limit: AuditReportBuilder.maxSamples) {
            scope.includes(timestamp: $0, sessionID: $1, agentID: $2)
        }
        try await walkPayloads { line in
            selection.add(Array(line.utf8)[...])
            return !selection.isFull
        }
        return AuditReport.finish(builder, location: location, policy: policy, now: now,
                                  payloads: selection.payloads, unreadable: selection.unreadable)
    }

    private func walkPayloads(_ visit: (String) throws -> Bool) async throws {
        let table = payloads, limit = Self.page
        var next = 0
        while true {
            let after = next
            let rows = try await run("read", bounded: false) { client in
                try await client.query("SELECT id, line FROM \(unescaped: table) WHERE id > \(after) ORDER BY id LIMIT \(limit)",
                                       logger: Self.silent).decode((Int, String).self).all()
            }
            for (_, line) in rows { guard try visit(line) else { return } }
            guard rows.count == limit, let end = rows.last?.0 else { return }
            next = end
        }
    }

    // MARK: Retention

    public func purge(before cutoff: Date, retentionDays: Int?, scope: AuditScope?) async throws -> AuditLog.PurgeOutcome {
        let cutoffText = UTCTimestamp.format(cutoff)
        let (head, payloads) = (self.head, self.payloads)
        return try await run("purge", bounded: false) { client in try await client.withTransaction(logger: Self.silent) { connection in
            // Appends wait for the head while the chain is checked and cut.
            let current = try await Self.readHead(connection, head, lock: true)
            let prefix = try await self.oldPrefix(connection, upTo: current, before: cutoffText)
            let payloadsDropped = try await connection.query(
                "WITH gone AS (DELETE FROM \(unescaped: payloads) WHERE ts < \(cutoffText) RETURNING 1) SELECT COUNT(*) FROM gone",
                logger: Self.silent).decode(Int.self).all().first ?? 0
            guard prefix.dropped > 0, let droppedRoot = prefix.root else {
                return AuditLog.PurgeOutcome(droppedRecords: 0, keptRecords: prefix.total, droppedRoot: nil, droppedPayloads: payloadsDropped)
            }
            try await connection.query("DELETE FROM \(unescaped: self.records) WHERE seq <= \(prefix.lastSeq)", logger: Self.silent)
            var detail: [(String, JSONValue)] = [
                ("dropped_records", .int(prefix.dropped)), ("dropped_root", .string(droppedRoot)), ("dropped_before", .string(cutoffText)),
            ]
            if let retentionDays { detail.append(("retention_days", .int(retentionDays))) }
            let checkpoint = AuditEvent(kind: .retentionCheckpoint, sessionID: scope?.sessionID, agentID: scope?.agentID,
                                        kid: nil, policyName: scope?.policyName, policyVersion: scope?.policyVersion, detail: detail)
            try await self.insert([checkpoint], after: current, on: connection)
            self.queue.withLock { $0.head = nil } // appends read the new head
            return AuditLog.PurgeOutcome(droppedRecords: prefix.dropped, keptRecords: prefix.total - prefix.dropped + 1,
                                         droppedRoot: droppedRoot, droppedPayloads: payloadsDropped)
        } }
    }

    /// The chain checked up to `head` (a broken chain is refused, as the file log refuses it),
    /// and its records stamped before `cutoff`: a prefix, since times never go backwards.
    private func oldPrefix(_ connection: PostgresConnection, upTo head: Head, before cutoff: String) async throws
        -> (total: Int, dropped: Int, root: String?, lastSeq: Int) {
        var verifier = AuditChainVerifier(key: key)
        var total = 0, dropped = 0, lastSeq = 0, keeping = false, after = 0
        var root: String?
        pages: while true {
            let rows = try await connection.query("""
                SELECT seq, line FROM \(unescaped: records) WHERE seq > \(after) AND seq <= \(head.seq) ORDER BY seq LIMIT \(Self.page)
                """, logger: Self.silent).decode((Int, String).self).all()
            for (seq, line) in rows {
                guard verifier.check(line: Array(line.utf8)[...], number: total + 1, terminated: true) else { break pages }
                total += 1
                if !keeping, let ts = verifier.lastRecord["ts"]?.stringValue, ts < cutoff {
                    (dropped, root, lastSeq) = (dropped + 1, verifier.previousHash, seq)
                } else {
                    keeping = true
                }
            }
            guard rows.count == Self.page, let end = rows.last?.0 else { break }
            after = end
        }
        let outcome = verifier.finish()
        if let failure = outcome.firstBreak { throw AuditLogError.brokenChain(path: location, line: failure.line, reason: failure.reason) }
        guard outcome.root == head.hash else {
            throw AuditLogError.brokenChain(path: location, line: total, reason: "the records end before the record the chain's head names: records were deleted from the end")
        }
        return (total, dropped, root, lastSeq)
    }

    public func currentRoot() async throws -> String { try await currentHead().hash }

    public func forEachLine(records visitRecord: (ArraySlice<UInt8>) throws -> Void,
                            payloads visitPayload: (ArraySlice<UInt8>) throws -> Void) async throws -> Int {
        let head = try await currentHead()
        var count = 0
        try await walk(upTo: head.seq) { _, line in
            try visitRecord(Array(line.utf8)[...])
            count += 1
            return true
        }
        try await walkPayloads { line in
            try visitPayload(Array(line.utf8)[...])
            return true
        }
        return count
    }

    public func scanNewest(before: UInt64?, maxLines: Int, _ visit: (ArraySlice<UInt8>) -> Bool) async throws -> UInt64? {
        let table = records, limit = maxLines, below = before.map { Int(clamping: $0) } ?? Int.max
        let (rows, first) = try await run("read") { client in
            let rows = try await client.query("SELECT seq, line FROM \(unescaped: table) WHERE seq < \(below) ORDER BY seq DESC LIMIT \(limit)",
                                              logger: Self.silent).decode((Int, String).self).all()
            let first = try await client.query("SELECT COALESCE(MIN(seq), 0) FROM \(unescaped: table)", logger: Self.silent)
                .decode(Int.self).all().first ?? 0
            return (rows, first)
        }
        var last: Int?
        for (seq, line) in rows {
            last = seq
            if !visit(Array(line.utf8)[...]) { break }
        }
        guard let last, last > first else { return nil }
        return UInt64(last)
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
    private func run<T: Sendable>(_ what: String, bounded: Bool = true,
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
