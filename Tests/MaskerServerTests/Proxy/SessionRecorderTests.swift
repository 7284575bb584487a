import Foundation
@testable import MaskerServer
import MaskerStore
import MaskerTestSupport
import Testing

struct SessionRecorderTests {
    @Test func everyTurnCountsOnceFlushed() async throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteServerStore(path: scratch.url.appendingPathComponent("server.sqlite").path)
        let account = try await store.account(named: "a")
        let recorder = SessionRecorder(store: store, logger: LogCapture().logger)
        let turn = SessionTurn(status: "ok", redactionsByKind: ["PHONE": 1], stageMillis: ["detect": 0.25])

        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            // The first turn of the call creates the session; the others race it and each other.
            let first = try await recorder.record(accountID: account.id, agentID: "agt_1", externalID: "call-9", turn: turn)
            for _ in 0..<49 {
                group.addTask { try await recorder.record(accountID: account.id, agentID: "agt_1", externalID: "call-9", turn: turn) }
            }
            for _ in 0..<10 {
                group.addTask { try await recorder.record(accountID: account.id, agentID: "agt_1", externalID: nil, turn: turn) }
            }
            var ids = [first]
            for try await id in group { ids.append(id) }
            return ids
        }
        await recorder.flush()
        let call = try #require(try await store.session(id: ids[0], accountID: account.id))
        #expect(call.turns == 50)
        #expect(call.redactionsByKind == ["PHONE": 50])
        #expect(abs((call.stageMillis["detect"] ?? 0) - 12.5) < 1e-9)
        #expect(ids.filter { $0 == ids[0] }.count == 50)
        let sessions = try await store.sessions(accountID: account.id, agentID: nil, status: nil, limit: 100, cursor: nil)
        #expect(sessions.count == 11)
        #expect(sessions.map(\.turns).reduce(0, +) == 60)
    }
}
