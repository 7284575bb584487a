import Synchronization

/// The synthetic sessions of a process (a server, a `masker mask` run), by scope: the turns of one
/// call share a session, so their surrogates agree. Bounded: past `capacity` sessions the oldest
/// is forgotten (a call that long over gets new surrogates if it ever comes back).
public final class SyntheticSessions: Sendable {
    /// Overrides every policy's `synthetic.seed` (`masker synthesize --seed`, the API's `seed`).
    let seed: UInt64?
    let tables: SurrogateTables
    let capacity: Int
    private let state = Mutex<(sessions: [String: SyntheticSession], order: [String])>(([:], []))

    public init(seed: UInt64? = nil, tables: SurrogateTables, capacity: Int = 10_000) {
        self.seed = seed
        self.tables = tables
        self.capacity = max(1, capacity)
    }

    /// The tables shipped with the binary, or why they are missing (name the fix, never crash).
    public static func loadTables() throws(SurrogateTables.Unavailable) -> SurrogateTables {
        try SurrogateTables.shared.get()
    }

    /// The session for `scope` under `policy` (a reloaded or different policy starts a new one:
    /// its epsilon, k and seed may differ).
    public func session(_ scope: String, policy: Policy) -> SyntheticSession {
        let key = "\(policy.name)@\(policy.version)|\(scope)"
        return state.withLock { state in
            if let session = state.sessions[key] { return session }
            let session = SyntheticSession(policy: policy, scope: scope, seed: seed, tables: tables)
            state.sessions[key] = session
            state.order.append(key)
            if state.order.count > capacity { state.sessions.removeValue(forKey: state.order.removeFirst()) }
            return session
        }
    }
}
