import Foundation
import MaskerStore
import Synchronization

/// Agents by id for the proxy, held for a few seconds: every proxied turn needs its agent, and a
/// database read per turn was a visible share of the proxy's time. A delete through this server
/// takes effect at once (`forget`); one made through another replica within `lifetime`.
final class AgentCache: Sendable {
    private let store: any ServerStore
    private let lifetime: TimeInterval
    private let entries = Mutex<[String: (agent: Agent?, expires: TimeInterval)]>([:])

    init(store: any ServerStore, lifetime: TimeInterval = 5) {
        self.store = store
        self.lifetime = lifetime
    }

    /// The agent, or nil when there is none (also remembered, briefly: probing ids costs no reads).
    func agent(id: String) async throws(ServerStoreError) -> Agent? {
        let now = Date().timeIntervalSince1970
        if let entry = entries.withLock({ $0[id] }), entry.expires > now { return entry.agent }
        let agent = try await store.agent(id: id, accountID: nil)
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[id] = (agent, now + lifetime)
        }
        return agent
    }

    func forget(_ id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
