import Foundation
import MaskerCore
import MaskerStore

/// What the dashboard shows an account: its recent calls by day, what was masked, where the time
/// went, the health of each component and the policy in force. Counts, kinds and timings only:
/// no payload, so nothing here can show PHI.
enum DashboardModel {
    /// The sessions the figures are drawn from: the account's most recent, up to this many, from
    /// the last `days` days. Bounded so the page answers quickly whatever the history holds.
    static let sessionLimit = 2000
    static let days = 7

    static func build(session: LoginSession, store: any ServerStore, runtime: MaskingRuntime, health: HealthRoutes,
                      metrics: ServerMetrics, now: Date = Date()) async throws -> [String: Any] {
        let since = now.addingTimeInterval(-Double(days) * 86400)
        async let components = health.components()
        let sessions = try await dbCall {
            try await store.sessions(accountID: session.account.id, agentID: nil, status: nil, updatedAfter: since,
                                     limit: sessionLimit, cursor: nil)
        }
        let agents = try await dbCall { try await store.agents(accountID: session.account.id) }
        let policy = runtime.policyState.policy
        let kinds = redactionsByKind(sessions), stages = stageMeans(sessions), passes = redactionsByPass(sessions)
        var model = PortalSession.frame(session, title: "Dashboard", section: "dashboard")
        model.merge([
            "hasKinds": !kinds.isEmpty,
            "hasStages": !stages.isEmpty,
            "latency": StageLatency.rows(fromExposition: metrics.exposition()).map {
                ["stage": $0.stage, "count": $0.count, "p50": StageLatency.format($0.p50), "p99": StageLatency.format($0.p99)] as [String: Any]
            },
            "agentCount": agents.count,
            "days": perDay(sessions, now: now),
            "kinds": kinds,
            "passes": passes,
            "stages": stages,
            "hasSessions": !sessions.isEmpty,
            "sessionCount": sessions.count,
            "truncated": sessions.count == sessionLimit,
            "components": await components.map { ["name": $0.name, "ok": $0.ok, "detail": $0.detail] },
            "policy": ["name": policy.name, "version": policy.version, "description": policy.description,
                       "passes": policy.passes.map(\.name.rawValue).joined(separator: ", ")],
        ] as [String: Any]) { _, new in new }
        return model
    }

    /// Sessions and turns per day (UTC), oldest first, each day's share of the busiest for the bars.
    static func perDay(_ sessions: [ProxySession], now: Date) -> [[String: Any]] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        var rows: [(Date, Int, Int)] = (0..<days).reversed().map { (calendar.date(byAdding: .day, value: -$0, to: today)!, 0, 0) }
        for session in sessions {
            let day = calendar.startOfDay(for: session.updatedAt)
            if let index = rows.firstIndex(where: { $0.0 == day }) {
                rows[index].1 += 1
                rows[index].2 += session.turns
            }
        }
        let busiest = max(1, rows.map(\.2).max() ?? 1)
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE d MMM"
        return rows.map { ["day": formatter.string(from: $0.0), "sessions": $0.1, "turns": $0.2, "width": $0.2 * 100 / busiest] }
    }

    static func redactionsByKind(_ sessions: [ProxySession]) -> [[String: Any]] {
        bars(sessions.map(\.redactionsByKind))
    }

    /// The same redactions by the pass that found them (sessions recorded before passes were
    /// counted have none).
    static func redactionsByPass(_ sessions: [ProxySession]) -> [[String: Any]] {
        bars(sessions.map(\.redactionsByPass))
    }

    /// Counts summed, largest first, each with its share of the largest for the bars.
    private static func bars(_ counts: [[String: Int]]) -> [[String: Any]] {
        var totals: [String: Int] = [:]
        for count in counts { totals.merge(count, uniquingKeysWith: +) }
        let busiest = max(1, totals.values.max() ?? 1)
        return totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { ["kind": $0.key, "count": $0.value, "width": $0.value * 100 / busiest] }
    }

    /// Mean milliseconds per turn in each stage, over the sessions shown.
    static func stageMeans(_ sessions: [ProxySession]) -> [[String: Any]] {
        var totals: [String: Double] = [:]
        var turns = 0
        for session in sessions {
            totals.merge(session.stageMillis, uniquingKeysWith: +)
            turns += session.turns
        }
        guard turns > 0 else { return [] }
        return totals.sorted { $0.key < $1.key }.map { ["stage": $0.key, "ms": String(format: "%.2f", $0.value / Double(turns))] }
    }
}
