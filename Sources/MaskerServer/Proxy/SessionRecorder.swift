import Foundation
import Logging
import MaskerStore
import Synchronization

/// Records proxied turns into sessions without making the caller wait for the database, except
/// on a call's first turn.
///
/// A session's id must be in the answer (`Masker-Session-Id`), so the first turn of a call id
/// goes to the store directly (which also finds a row another replica created). After that, this
/// process remembers `(agent, call id) → session id`, answers at once, and adds the turn to a
/// pending batch that one background writer commits in a single transaction, as the vault and the
/// audit log already do. A turn without a call id is a new session whose id is minted here.
///
/// Reads through the API call `flush()` first, so they see every turn this process has answered.
/// Each turn's own row (`ProxyTurn`, for the portal's session page) goes in the same batches.
/// A crash loses at most the batch in flight: counts, spans and timings, never anything the audit
/// log holds.
final class SessionRecorder: Sendable {
    private let store: any ServerStore
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var known: [String: String] = [:]
        var pending: [String: ProxySession] = [:]
        var pendingTurns: [ProxyTurn] = []
        var writing = false
        /// Turns queued so far, and turns whose batch has been written (or has failed).
        var queued = 0
        var settled = 0
    }

    /// Call ids remembered at most; beyond it the map starts afresh (a forgotten call's next turn
    /// merely goes to the store directly again).
    static let knownLimit = 100_000

    init(store: any ServerStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    func record(accountID: String, agentID: String, externalID: String?, turn: SessionTurn) async throws(ServerStoreError) -> String {
        let now = Date()
        let id: String
        if let externalID {
            let key = agentID + "\u{1F}" + externalID
            guard let known = state.withLock({ $0.known[key] }) else {
                let created = try await store.recordTurn(accountID: accountID, agentID: agentID, externalID: externalID, turn: turn, now: now)
                state.withLock { state in
                    if state.known.count >= Self.knownLimit { state.known.removeAll() }
                    state.known[key] = created
                }
                return created
            }
            id = known
        } else {
            id = ServerIDs.next("sess")
        }
        enqueue(ProxySession.empty(id: id, accountID: accountID, agentID: agentID, externalID: externalID, at: now).adding(turn, at: now))
        return id
    }

    /// Adds a turn's own row (`ProxyTurn`: spans, timings, sealed text), written with the next batch.
    /// Comes after `record` has named the session, once the turn has ended (a stream, at its end).
    func add(_ turn: ProxyTurn) {
        enqueue { $0.pendingTurns.append(turn) }
    }

    private func enqueue(_ delta: ProxySession) {
        enqueue { state in state.pending[delta.id] = state.pending[delta.id].map { $0.merging(delta) } ?? delta }
    }

    private func enqueue(_ change: (inout State) -> Void) {
        let start = state.withLock { state -> Bool in
            change(&state)
            state.queued += 1
            if state.writing { return false }
            state.writing = true
            return true
        }
        if start { Task { await self.drain() } }
    }

    /// Writes batches until nothing is pending.
    private func drain() async {
        while true {
            let (batch, turns, count) = state.withLock { state -> ([ProxySession], [ProxyTurn], Int) in
                let batch = Array(state.pending.values), turns = state.pendingTurns
                state.pending = [:]
                state.pendingTurns = []
                if batch.isEmpty && turns.isEmpty { state.writing = false }
                return (batch, turns, state.queued - state.settled)
            }
            if batch.isEmpty && turns.isEmpty { return }
            do {
                try await store.applySessionDeltas(batch, turns: turns)
            } catch {
                // Counts, spans and kept text of these turns are lost; the turns themselves were
                // answered and audited.
                logger.error("session counts could not be written: \(error.description)",
                             metadata: ["sessions": .stringConvertible(batch.count), "turns": .stringConvertible(turns.count)])
            }
            state.withLock { $0.settled += count }
        }
    }

    /// Returns once every turn queued before the call has been written (or its write has failed).
    func flush() async {
        let target = state.withLock { $0.queued }
        for _ in 0..<4000 {
            if state.withLock({ $0.settled >= target }) { return }
            try? await Task.sleep(for: .microseconds(500))
        }
        logger.warning("session writes did not finish within 2 s; the answer may miss the latest turns")
    }
}
