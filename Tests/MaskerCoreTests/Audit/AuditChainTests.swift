import Crypto
@testable import MaskerCore
import Testing

struct AuditChainTests {
    let key = SymmetricKey(data: Array(repeating: UInt8(7), count: 32))

    func event(_ index: Int) -> AuditEvent {
        AuditEvent(kind: .redaction, sessionID: "call-\(index % 2)", pass: "regex", entityKind: "PHONE", span: (index, index + 12),
                   confidence: 0.9, tokenKind: "vault-deterministic", kid: "K", policyName: "p", policyVersion: 1)
    }

    /// Lines of a valid chain of `count` records.
    func chain(_ count: Int) -> [String] {
        var previous = AuditChain.genesis
        var ids = SortableIDGenerator()
        return (0..<count).map { index in
            let sealed = AuditChain.seal(event(index), timestamp: UTCTimestamp.format(milliseconds: 1_790_000_000_000 + Int64(index)),
                                         eventID: ids.next(prefix: "evt"), previousHash: previous, key: key)
            previous = sealed.hash
            return sealed.line
        }
    }

    func verify(_ lines: [String], expectedRoot: String? = nil, lastTerminated: Bool = true, key: SymmetricKey? = nil) -> AuditChainVerifier.Outcome {
        var verifier = AuditChainVerifier(key: key ?? self.key, expectedRoot: expectedRoot)
        for (index, line) in lines.enumerated() {
            verifier.check(line: Array(line.utf8)[...], number: index + 1, terminated: lastTerminated || index < lines.count - 1)
        }
        return verifier.finish()
    }

    @Test func anIntactChainHoldsAndReportsItsRoot() throws {
        let lines = chain(5)
        let outcome = verify(lines)
        #expect(outcome.holds && outcome.records == 5 && outcome.start == AuditChain.genesis)
        guard case let .object(last) = try JSONParser.parse(lines[4]), case let .string(root)? = last.first(where: { $0.0 == "this_hash" })?.1 else {
            Issue.record("last line has no this_hash")
            return
        }
        #expect(outcome.root == root)
        #expect(verify([]).holds && verify([]).root == AuditChain.genesis)
    }

    /// Every log ever written must still verify, so the bytes of a sealed record are pinned: the
    /// canonical form (key order, escapes, number forms, nulls, a nested `detail`) and the hash.
    /// Figures from the code as of 2026-12-06.
    @Test func aSealedRecordKeepsItsBytesAcrossVersions() {
        let full = AuditChain.seal(event(3), timestamp: "2026-12-06T08:00:00.123Z", eventID: "evt_01TEST",
                                   previousHash: AuditChain.genesis, key: key)
        #expect(full.line == #"{"agent_id":null,"confidence":0.9,"entity_kind":"PHONE","event_id":"evt_01TEST","kid":"K","kind":"redaction","pass":"regex","policy_name":"p","policy_version":1,"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","session_id":"call-1","span":[3,15],"this_hash":"cdb4f754630c03e87357be2b4a4a986a60c682f1442cfd81bc0aa4a7d4f2422c","token_kind":"vault-deterministic","ts":"2026-12-06T08:00:00.123Z"}"#)
        let sparse = AuditEvent(kind: .rehydration, agentID: "agt_\u{1F}\"é", entityKind: nil, confidence: 0.12345, tokenKind: "vault-deterministic",
                                detail: [("outcome", .string("tampered")), ("count", .int(-2)), ("ratio", .double(0.5))])
        let sealed = AuditChain.seal(sparse, timestamp: "2026-12-06T08:00:00.124Z", eventID: "evt_02TEST", previousHash: full.hash, key: key)
        #expect(sealed.line == #"{"agent_id":"agt_\u001f\"é","confidence":0.123,"detail":{"count":-2,"outcome":"tampered","ratio":0.5},"entity_kind":null,"event_id":"evt_02TEST","kid":null,"kind":"rehydration","pass":null,"policy_name":null,"policy_version":null,"prev_hash":"cdb4f754630c03e87357be2b4a4a986a60c682f1442cfd81bc0aa4a7d4f2422c","session_id":null,"span":null,"this_hash":"92828683b41eede71dc529e7078f29115d90bd1b70089b38e2eeb15ab8acde8f","token_kind":"vault-deterministic","ts":"2026-12-06T08:00:00.124Z"}"#)
    }

    @Test func recordsCarryEveryFieldAndNoText() throws {
        guard case let .object(pairs) = try JSONParser.parse(chain(1)[0]) else { return }
        #expect(pairs.map(\.0).sorted() == AuditChainVerifier.requiredFields.sorted())
    }

    @Test func anEditIsNamedAtItsLine() {
        var lines = chain(5)
        lines[2] = lines[2].replacingOccurrences(of: "\"span\":[2,14]", with: "\"span\":[2,15]")
        #expect(verify(lines).firstBreak?.line == 3)
        #expect(verify(lines).firstBreak?.reason.contains("edited") == true)
    }

    @Test func deletionInsertionAndReorderingBreakTheLinkAtTheRightLine() {
        let lines = chain(6)
        var deleted = lines
        deleted.remove(at: 2)
        #expect(verify(deleted).firstBreak?.line == 3)
        #expect(verify(deleted).firstBreak?.reason.contains("prev_hash") == true)
        var inserted = lines
        inserted.insert(lines[1], at: 4)
        #expect(verify(inserted).firstBreak?.line == 5)
        var swapped = lines
        swapped.swapAt(3, 4)
        #expect(verify(swapped).firstBreak?.line == 4)
    }

    @Test func deletingFromTheStartIsCaughtWithoutACheckpoint() {
        let outcome = verify(Array(chain(5).dropFirst(2)))
        #expect(outcome.firstBreak?.line == 1)
        #expect(outcome.firstBreak?.reason.contains("deleted from the start") == true)
    }

    @Test func aCheckpointVouchesForTheDroppedPrefix() throws {
        let lines = chain(5)
        guard case let .object(dropped) = try JSONParser.parse(lines[1]), case let .string(droppedRoot)? = dropped.first(where: { $0.0 == "this_hash" })?.1,
              case let .object(last) = try JSONParser.parse(lines[4]), case let .string(root)? = last.first(where: { $0.0 == "this_hash" })?.1 else { return }
        let checkpoint = AuditChain.seal(AuditEvent(kind: .retentionCheckpoint, detail: [("dropped_root", .string(droppedRoot)), ("dropped_records", .int(2))]),
                                         timestamp: UTCTimestamp.format(milliseconds: 1_790_000_001_000), eventID: "evt_X", previousHash: root, key: key)
        let outcome = verify(Array(lines.dropFirst(2)) + [checkpoint.line])
        #expect(outcome.holds, "\(String(describing: outcome.firstBreak))")
        #expect(outcome.start == droppedRoot)
    }

    @Test func truncationIsCaughtOnlyAgainstAnEarlierRoot() {
        let lines = chain(5)
        let root = verify(lines).root
        #expect(verify(lines, expectedRoot: root).expectedRootLine == 5)
        let truncated = Array(lines.prefix(3))
        #expect(verify(truncated).holds)
        #expect(verify(truncated, expectedRoot: root).firstBreak?.reason.contains("truncation") == true)
        // A root taken earlier is still found after the log grew.
        #expect(verify(lines, expectedRoot: verify(truncated).root).expectedRootLine == 3)
    }

    @Test func aTornLastLineAndAnotherKeyAreNamed() {
        let lines = chain(3)
        #expect(verify(lines, lastTerminated: false).firstBreak?.line == 3)
        #expect(verify(lines + ["{\"kind\":"]).firstBreak?.reason.contains("not a JSON record") == true)
        let other = verify(lines, key: SymmetricKey(data: Array(repeating: UInt8(8), count: 32)))
        #expect(other.firstBreak?.line == 1)
    }
}
