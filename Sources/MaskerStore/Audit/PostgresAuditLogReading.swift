import Foundation
import MaskerCore
import PostgresNIO

/// Reading the chain in PostgreSQL: verifying, reporting, exporting, paging for the portal, and
/// retention. Every walk stops at the head read when it began, as the file log's reads stop at
/// its last commit, so groups committed meanwhile are not half seen.
extension PostgresAuditLog {
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
            let batch = self.queue.withLock { queue in self.seal([checkpoint], after: current, at: Date(), ids: &queue.ids) }
            try await connection.query(self.appendStatement(batch, after: current, payloads: []), logger: Self.silent)
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
}
