import Crypto
import Foundation
import MaskerCore
@testable import MaskerStore
import MaskerTestSupport
import Testing

struct AuditLogTests {
    let key = SymmetricKey(data: Array(repeating: UInt8(9), count: 32))

    func event(_ index: Int, session: String = "call") -> AuditEvent {
        AuditEvent(kind: .redaction, sessionID: session, pass: "regex", entityKind: "SSN", span: (index, index + 11),
                   confidence: 0.95, tokenKind: "reversible-aead", kid: "K", policyName: "p", policyVersion: 1)
    }

    func verify(_ path: String, key: SymmetricKey? = nil) throws -> AuditChainVerifier.Outcome {
        var reader = try AuditLogReader(path: path)
        defer { reader.close() }
        var verifier = AuditChainVerifier(key: key ?? self.key)
        while let (bytes, terminated) = try reader.next() {
            verifier.check(line: bytes, number: reader.lineNumber, terminated: terminated)
        }
        return verifier.finish()
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func concurrentAppendsFormOneChainWithEachCallersEventsTogether() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        let log = try AuditLog(path: path, key: key)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for turn in 0..<10 { try await log.append([event(turn, session: "w\(writer)"), event(turn + 100, session: "w\(writer)")]) }
                }
            }
            try await group.waitForAll()
        }
        let outcome = try verify(path)
        #expect(outcome.holds && outcome.records == 320)
        #expect(outcome.root == log.root)
        let records = try lines(path).map { try JSONParser.parse($0) }
        func text(_ record: JSONValue, _ name: String) -> String? {
            if case let .object(pairs) = record, case let .string(value)? = pairs.first(where: { $0.0 == name })?.1 { return value }
            return nil
        }
        let ids = records.compactMap { text($0, "event_id") }
        #expect(ids == ids.sorted() && Set(ids).count == 320)
        // One append's two events are adjacent: 16 writers never interleave inside a turn.
        for pair in stride(from: 0, to: records.count, by: 2) {
            #expect(text(records[pair], "session_id") == text(records[pair + 1], "session_id"))
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    /// `/api/v1/audit/verify` runs while turns are appended: it checks only what was committed
    /// when it began, so a group being written at that moment is not a "torn" line.
    @Test func verifyingStopsAtTheCommittedEnd() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        let log = try AuditLog(path: path, key: key)
        try await log.append([event(0), event(1)])
        let committed = UInt64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int)
        // What a reader can see while the next group is half-way through its write(2).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"v":1,"event_id":"evt_half"#.utf8))
        try handle.close()
        #expect(try AuditLogReader.verify(path: path, key: key).holds == false)
        let bounded = try AuditLogReader.verify(path: path, key: key, upTo: committed)
        #expect(bounded.holds)
        #expect(bounded.records == 2)
        #expect(try await log.verify(expectedRoot: nil).holds)
    }

    @Test func reopeningContinuesTheChain() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        do {
            let log = try AuditLog(path: path, key: key)
            try await log.append([event(1)])
        }
        let reopened = try AuditLog(path: path, key: key)
        try await reopened.append([event(2)])
        #expect(try verify(path).records == 2 && verify(path).holds)
        withExtendedLifetime(reopened) {}
    }

    @Test func aSecondWriterWaitsThenGetsAnErrorNamingTheHolder() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        let first = try AuditLog(path: path, key: key)
        #expect(throws: AuditLogError.locked(path: path, holder: "pid \(getpid())")) {
            _ = try AuditLog(path: path, key: key, lockTimeout: .milliseconds(50))
        }
        withExtendedLifetime(first) {}
    }

    @Test func theWrongKeyIsRefusedBeforeAnythingIsAppended() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        do { try await AuditLog(path: path, key: key).append([event(1)]) }
        #expect(throws: AuditLogError.tailDoesNotVerify(path: path)) {
            _ = try AuditLog(path: path, key: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)))
        }
        #expect(try lines(path).count == 1)
    }

    @Test func aTornTailIsSetAsideAndTheChainGoesOn() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        do { try await AuditLog(path: path, key: key).append([event(1), event(2)]) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"agent_id\":null,\"conf".utf8))
        try handle.close()
        let log = try AuditLog(path: path, key: key)
        try await log.append([event(3)])
        #expect(try verify(path).holds && verify(path).records == 3)
        let aside = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.contains(".torn-") }
        #expect(aside.count == 1)
        #expect(try String(contentsOfFile: scratch.url.appendingPathComponent(aside[0]).path, encoding: .utf8) == "{\"agent_id\":null,\"conf")
    }

    /// /dev/full accepts the open and fails every write with ENOSPC: the append must throw, and
    /// the log must refuse later appends rather than guess its state.
    @Test func aFailedWriteFailsTheAppendAndLaterOnes() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/full")
        let log = try AuditLog(path: path, key: key)
        await #expect(throws: AuditLogError.self) { try await log.append([event(1)]) }
        await #expect(throws: AuditLogError.self) { try await log.append([event(2)]) }
    }

    /// `submit` starts the append without the caller waiting: the events reach the file while
    /// the caller does other work, and every later `wait()` reports the same outcome.
    @Test func aSubmittedAppendIsWrittenBeforeAnyoneWaits() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        let log = try AuditLog(path: path, key: key)
        let append = log.submit([event(1), event(2)])
        let deadline = ContinuousClock.now + .seconds(10)
        while append.elapsed == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        #expect(append.elapsed != nil)
        #expect(try lines(path).count == 2)
        try await append.wait()
        try await append.wait()
        #expect(try verify(path).records == 2)
        let nothing = log.submit([])
        #expect(nothing.elapsed != nil)
        try await nothing.wait()
        #expect(try lines(path).count == 2)
    }

    @Test func aSubmittedAppendThatFailsThrowsToEveryWaiter() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/full")
        let log = try AuditLog(path: path, key: key)
        let append = log.submit([event(1)])
        await #expect(throws: AuditLogError.self) { try await append.wait() }
        await #expect(throws: AuditLogError.self) { try await append.wait() }
    }

    @Test func purgeDropsTheOldPrefixAndLeavesAVerifiableLog() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        let log = try AuditLog(path: path, key: key)
        try await log.append([event(1), event(2), event(3)], payload: AuditLog.Payload(masked: "old turn", sessionID: "call", agentID: nil))
        try await Task.sleep(for: .milliseconds(20))
        let cutoff = Date()
        try await Task.sleep(for: .milliseconds(20))
        try await log.append([event(4), event(5)], payload: AuditLog.Payload(masked: "new turn", sessionID: "call", agentID: nil))
        let outcome = try await log.purge(before: cutoff, retentionDays: nil, scope: nil)
        #expect(outcome.droppedRecords == 3 && outcome.keptRecords == 3 && outcome.droppedPayloads == 1)
        let after = try verify(path)
        #expect(after.holds, "\(String(describing: after.firstBreak))")
        #expect(after.records == 3 && after.start == outcome.droppedRoot)
        // The log keeps working after the file was replaced.
        try await log.append([event(6)])
        #expect(try verify(path).holds && verify(path).records == 4)
        let payloads = try PayloadLog.read(path: AuditConfiguration.payloadPath(forLog: path), auditKey: key, limit: 10) { _, _, _ in true }
        #expect(payloads.payloads.map(\.masked) == ["new turn"])
        // Purging everything leaves only the checkpoint, which still verifies.
        _ = try await log.purge(before: Date().addingTimeInterval(60), retentionDays: 0, scope: nil)
        #expect(try verify(path).holds && verify(path).records == 1)
    }

    @Test func payloadsAreEncryptedAndBoundToTheirSession() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        let log = try AuditLog(path: path, key: key)
        try await log.append([event(1)], payload: AuditLog.Payload(masked: "patient said MSK1.PHONE.K.ABC", sessionID: "s1", agentID: "agt_1"))
        let payloadPath = AuditConfiguration.payloadPath(forLog: path)
        let raw = try String(contentsOfFile: payloadPath, encoding: .utf8)
        #expect(!raw.contains("patient said"))
        let read = try PayloadLog.read(path: payloadPath, auditKey: key, limit: 5) { _, session, _ in session == "s1" }
        #expect(read.payloads.first?.masked == "patient said MSK1.PHONE.K.ABC" && read.payloads.first?.agentID == "agt_1")
        // Moved to another session, the payload no longer opens.
        try raw.replacingOccurrences(of: "\"s1\"", with: "\"s2\"").write(toFile: payloadPath, atomically: true, encoding: .utf8)
        let moved = try PayloadLog.read(path: payloadPath, auditKey: key, limit: 5) { _, _, _ in true }
        #expect(moved.payloads.isEmpty && moved.unreadable == 1)
    }
}
