import Crypto
import Foundation
import MaskerCore
@testable import MaskerStore
import MaskerTestSupport
import PostgresNIO
import Synchronization
import Testing

/// What both audit stores promise (`AuditStore`): the file beside one server and the chain in
/// PostgreSQL, which replicas share. PostgreSQL cases need `MASKER_TEST_DATABASE_URL` (set by
/// scripts/test.sh) and fail without it.
@Suite(.serialized)
struct AuditStoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case file, postgres
        var testDescription: String { rawValue }
    }

    static let key = SymmetricKey(data: Array(repeating: UInt8(9), count: 32))

    /// A store of `backend` in a place of its own; `body` runs with it, then the place is removed.
    static func with(_ backend: Backend, key: SymmetricKey = key, _ body: (any AuditStore, ScratchDirectory) async throws -> Void) async throws {
        let scratch = try ScratchDirectory()
        switch backend {
        case .file:
            try await body(try AuditLog(path: scratch.url.appendingPathComponent("audit.jsonl").path, key: key), scratch)
        case .postgres:
            let log = try await PostgresAuditLog(url: try TestPostgres.url(), schema: TestPostgres.freshSchema("audit"), key: key)
            do {
                try await body(log, scratch)
            } catch {
                try? await log.dropSchema()
                await log.close()
                throw error
            }
            try await log.dropSchema()
            await log.close()
        }
    }

    static func event(_ index: Int, session: String = "call") -> AuditEvent {
        AuditEvent(kind: .redaction, sessionID: session, pass: "regex", entityKind: "SSN", span: (index, index + 11),
                   confidence: 0.95, tokenKind: "reversible-aead", kid: "K", policyName: "p", policyVersion: 1)
    }

    @Test(arguments: Backend.allCases)
    func appendsVerifyAndExportToAFileThatVerifiesOffline(_ backend: Backend) async throws {
        try await Self.with(backend) { store, scratch in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for turn in 0..<10 {
                            try await store.append([Self.event(turn, session: "w\(writer)"), Self.event(turn + 100, session: "w\(writer)")],
                                                   payload: turn == 0 ? AuditLog.Payload(masked: "turn of w\(writer)", sessionID: "w\(writer)", agentID: nil) : nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let outcome = try await store.verify(expectedRoot: nil)
            #expect(outcome.holds && outcome.records == 160, "\(String(describing: outcome.firstBreak))")
            #expect(try await store.currentRoot() == outcome.root)
            let out = scratch.url.appendingPathComponent("export.jsonl").path
            let written = try await store.export(to: out)
            #expect(written.records == 160 && written.payloads == 8)
            let offline = try AuditLogReader.verify(path: out, key: Self.key, expectedRoot: outcome.root)
            #expect(offline.holds && offline.records == 160 && offline.root == outcome.root)
            // One append's two events are adjacent; times never go backwards along the chain.
            let records = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
            for pair in stride(from: 0, to: records.count, by: 2) { #expect(records[pair]["session_id"] == records[pair + 1]["session_id"]) }
            let times = records.compactMap { $0["ts"]?.stringValue }
            #expect(times == times.sorted())
            let payloads = try PayloadLog.read(path: AuditConfiguration.payloadPath(forLog: out), auditKey: Self.key, limit: 20) { _, _, _ in true }
            #expect(Set(payloads.payloads.map(\.masked)) == Set((0..<8).map { "turn of w\($0)" }))
            // An export never overwrites.
            await #expect(throws: AuditLogError.self) { _ = try await store.export(to: out) }
        }
    }

    @Test(arguments: Backend.allCases)
    func purgeDropsTheOldPrefixAndThePayloadsAndTheChainStillVerifies(_ backend: Backend) async throws {
        try await Self.with(backend) { store, _ in
            try await store.append([Self.event(1), Self.event(2), Self.event(3)], payload: AuditLog.Payload(masked: "old turn", sessionID: "call", agentID: nil))
            try await Task.sleep(for: .milliseconds(20))
            let cutoff = Date()
            try await Task.sleep(for: .milliseconds(20))
            try await store.append([Self.event(4), Self.event(5)], payload: AuditLog.Payload(masked: "new turn", sessionID: "call", agentID: nil))
            let outcome = try await store.purge(before: cutoff, retentionDays: 7, scope: nil)
            #expect(outcome.droppedRecords == 3 && outcome.keptRecords == 3 && outcome.droppedPayloads == 1)
            let after = try await store.verify(expectedRoot: nil)
            #expect(after.holds && after.records == 3 && after.start == outcome.droppedRoot, "\(String(describing: after.firstBreak))")
            try await store.append([Self.event(6)])
            #expect(try await store.verify(expectedRoot: nil).records == 4)
            let report = try await store.report(scope: ReportScope(sessionID: "call", agentID: nil, since: nil, until: Date()),
                                                policy: .healthcareDefault, now: Date())
            #expect(report["chain"]?["verified"] == .bool(true))
            #expect(report.serialized().contains("new turn") && !report.serialized().contains("old turn"))
        }
    }

    @Test(arguments: Backend.allCases)
    func theNewestRecordsComePageByPage(_ backend: Backend) async throws {
        try await Self.with(backend) { store, _ in
            for index in 0..<7 { try await store.append([Self.event(index)]) }
            var seen: [Int] = []
            var cursor: UInt64?
            var pages = 0
            repeat {
                cursor = try await store.scanNewest(before: cursor, maxLines: 3) { line in
                    if case let .array(span)? = (try? JSONParser.parse(Array(line)))?["span"] { seen.append(span.first?.intValue ?? -1) }
                    return true
                }
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == Array((0..<7).reversed()) && pages == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func theWrongKeyIsRefusedBeforeAnythingIsAppended(_ backend: Backend) async throws {
        switch backend {
        case .file:
            let scratch = try ScratchDirectory()
            let path = scratch.url.appendingPathComponent("audit.jsonl").path
            try await AuditLog(path: path, key: Self.key).append([Self.event(1)])
            #expect(throws: AuditLogError.self) { _ = try AuditLog(path: path, key: SymmetricKey(size: .bits256)) }
        case .postgres:
            let schema = TestPostgres.freshSchema("audit")
            let log = try await PostgresAuditLog(url: try TestPostgres.url(), schema: schema, key: Self.key)
            try await log.append([Self.event(1)])
            do {
                _ = try await PostgresAuditLog(url: try TestPostgres.url(), schema: schema, key: SymmetricKey(size: .bits256))
                Issue.record("a chain was opened under another key")
            } catch {
                #expect("\(error)".contains("does not verify under this MASKER_AUDIT_HMAC_KEY"))
            }
            try await log.dropSchema()
            await log.close()
        }
    }
}

/// What only the chain in PostgreSQL has: several replicas appending to one chain, and a database
/// that can be edited behind the chain's back.
@Suite(.serialized)
struct PostgresAuditLogTests {
    static let key = AuditStoreContractTests.key

    @Test func threeReplicasAppendingAtOnceMakeOneChainThatNeverForks() async throws {
        let url = try TestPostgres.url(), schema = TestPostgres.freshSchema("audit")
        var replicas: [PostgresAuditLog] = []
        for _ in 0..<3 { replicas.append(try await PostgresAuditLog(url: url, schema: schema, key: Self.key)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (number, replica) in replicas.enumerated() {
                for caller in 0..<10 {
                    group.addTask {
                        for turn in 0..<10 {
                            let session = "r\(number)c\(caller)"
                            try await replica.append([AuditStoreContractTests.event(turn, session: session), AuditStoreContractTests.event(turn + 50, session: session)])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        for replica in replicas {
            let outcome = try await replica.verify(expectedRoot: nil)
            #expect(outcome.holds && outcome.records == 600, "\(String(describing: outcome.firstBreak))")
        }
        try await replicas[0].dropSchema()
        for replica in replicas { await replica.close() }
    }

    /// A replica whose view of the head is stale (another appended since) writes nothing with its
    /// one-statement append and commits under the head's row lock instead: the chain goes on
    /// from the other replica's records, never beside them.
    @Test func aReplicaThatChainedFromAStaleHeadCommitsUnderTheLock() async throws {
        let url = try TestPostgres.url(), schema = TestPostgres.freshSchema("audit")
        let first = try await PostgresAuditLog(url: url, schema: schema, key: Self.key)
        let second = try await PostgresAuditLog(url: url, schema: schema, key: Self.key)
        try await first.append([AuditStoreContractTests.event(1, session: "a")]) // first now knows the head
        try await second.append([AuditStoreContractTests.event(2, session: "b"), AuditStoreContractTests.event(3, session: "b")])
        try await first.append([AuditStoreContractTests.event(4, session: "a")], // its head is stale now
                               payload: AuditLog.Payload(masked: "kept", sessionID: "a", agentID: nil))
        try await second.append([AuditStoreContractTests.event(5, session: "b")]) // and so is this one's
        let outcome = try await first.verify(expectedRoot: nil)
        #expect(outcome.holds && outcome.records == 5, "\(String(describing: outcome.firstBreak))")
        var sessions: [String] = [], payloads = 0
        _ = try await second.forEachLine(records: { line in
            sessions.append((try? JSONParser.parse(Array(line)))?["session_id"]?.stringValue ?? "?")
        }, payloads: { _ in payloads += 1 })
        #expect(sessions == ["a", "b", "b", "a", "b"] && payloads == 1)
        try await first.dropSchema()
        await first.close()
        await second.close()
    }

    /// Edits made in the database behind the chain: an edited record, and records deleted from
    /// the end, which the head row gives away even without a root kept earlier.
    @Test func editsInTheDatabaseAreFound() async throws {
        let url = try TestPostgres.url(), schema = TestPostgres.freshSchema("audit")
        let log = try await PostgresAuditLog(url: url, schema: schema, key: Self.key)
        for index in 0..<5 { try await log.append([AuditStoreContractTests.event(index)]) }
        let client = try await Self.client(url)
        try await client.query("UPDATE \"\(unescaped: schema)\".audit_record SET line = replace(line, '\"entity_kind\":\"SSN\"', '\"entity_kind\":\"NAME\"') WHERE seq = 3",
                               logger: PostgresPool.silent)
        let edited = try await log.verify(expectedRoot: nil)
        #expect(edited.firstBreak?.line == 3 && edited.firstBreak?.reason.contains("this_hash does not match") == true)
        try await client.query("DELETE FROM \"\(unescaped: schema)\".audit_record WHERE seq >= 3", logger: PostgresPool.silent)
        let cut = try await log.verify(expectedRoot: nil)
        #expect(cut.records == 2 && cut.firstBreak?.reason.contains("deleted from the end") == true, "\(String(describing: cut.firstBreak))")
        // Retention refuses a chain that does not verify, and changes nothing.
        await #expect(throws: AuditLogError.self) { _ = try await log.purge(before: Date().addingTimeInterval(60), retentionDays: nil, scope: nil) }
        try await log.dropSchema()
        await log.close()
        await Self.close(client)
    }

    /// A commit that fails leaves nothing, and its callers hear so (fail closed).
    @Test func aFailedCommitFailsEveryCallerAndNamesNoValue() async throws {
        let url = try TestPostgres.url(), schema = TestPostgres.freshSchema("audit")
        let log = try await PostgresAuditLog(url: url, schema: schema, key: Self.key)
        try await log.append([AuditStoreContractTests.event(1)])
        let client = try await Self.client(url)
        try await client.query("ALTER TABLE \"\(unescaped: schema)\".audit_record ADD CONSTRAINT no_more CHECK (seq < 2)", logger: PostgresPool.silent)
        do {
            try await log.append([AuditStoreContractTests.event(2, session: "call-secret-7")], payload: AuditLog.Payload(masked: "Jane Roe", sessionID: "s", agentID: nil))
            Issue.record("the append was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("cannot append") && !text.contains("Jane") && !text.contains("call-secret"), "\(text)")
        }
        let outcome = try await log.verify(expectedRoot: nil)
        #expect(outcome.holds && outcome.records == 1)
        #expect(try await log.forEachLine(records: { _ in }, payloads: { _ in Issue.record("a payload of a failed commit was kept") }) == 1)
        try await client.query("ALTER TABLE \"\(unescaped: schema)\".audit_record DROP CONSTRAINT no_more", logger: PostgresPool.silent)
        try await log.append([AuditStoreContractTests.event(3)])
        #expect(await log.status().up == true)
        try await log.dropSchema()
        await log.close()
        await Self.close(client)
    }

    static func client(_ url: String) async throws -> PostgresClient {
        let settings = try PostgresURL(url)
        let configuration: PostgresClient.Configuration = settings.socketPath.map {
            .init(unixSocketPath: $0, username: settings.user, password: settings.password, database: settings.database)
        } ?? .init(host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                   database: settings.database, tls: settings.tls)
        let client = PostgresClient(configuration: configuration)
        running.withLock { $0[ObjectIdentifier(client)] = Task { await client.run() } }
        return client
    }

    static func close(_ client: PostgresClient) async {
        let task = running.withLock { $0.removeValue(forKey: ObjectIdentifier(client)) }
        task?.cancel()
        _ = await task?.value
    }

    static let running = Mutex<[ObjectIdentifier: Task<Void, Never>]>([:])
}
