import Foundation
import MaskerCore
import MaskerStore
import MaskerTestSupport
import Synchronization
import Testing

/// What SQLite alone decides: which of the server's writes wait for the disk.
@Suite struct SQLiteServerStoreTests {
    /// An agent answered with 201 (and pasted into a voice platform) must survive a power cut, so
    /// its commit is synced; a turn's session counts, written on every turn, are not.
    @Test func agentsAreCommittedSyncedAndSessionCountsAreNot() async throws {
        let scratch = try ScratchDirectory()
        let statements = Mutex<[String]>([])
        let store = try SQLiteServerStore(path: scratch.url.appendingPathComponent("server.sqlite").path,
                                          trace: { sql in statements.withLock { $0.append(sql) } })
        func taken() -> [String] { statements.withLock { all in defer { all.removeAll() }; return all } }
        let account = try await store.account(named: "clinic")
        _ = taken()

        _ = try await store.createAgent(accountID: account.id, name: "desk", upstream: "stub", tokenization: nil, policyName: nil, policyYAML: nil)
        let agentWrite = taken()
        let full = try #require(agentWrite.firstIndex(of: "PRAGMA synchronous = FULL"))
        let insert = try #require(agentWrite.firstIndex { $0.hasPrefix("INSERT INTO agent") })
        let commit = try #require(agentWrite.lastIndex(of: "COMMIT TRANSACTION"))
        let normal = try #require(agentWrite.lastIndex(of: "PRAGMA synchronous = NORMAL"))
        #expect(full < insert && insert < commit && commit < normal)

        _ = try await store.recordTurn(accountID: account.id, agentID: "agt_1", externalID: "call-1",
                                       turn: SessionTurn(status: "ok", redactionsByKind: ["PHONE": 1], stageMillis: ["detect": 0.1]), now: Date())
        let turnWrite = taken()
        #expect(turnWrite.contains { $0.contains("proxy_session") })
        #expect(!turnWrite.contains { $0.contains("synchronous") })
        await store.close()
    }
}
