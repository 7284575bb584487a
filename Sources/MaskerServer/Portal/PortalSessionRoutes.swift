import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/sessions`: the account's calls, newest first, filtered by agent, status, time and kind, a page
/// at a time (cursor pagination), and one call's page with its counts and stage timings. Counts,
/// kinds and timings only: a call's text is not shown here.
struct PortalSessionRoutes {
    let store: any ServerStore

    static let pageSize = 50
    static let windows: [(value: String, label: String, seconds: Double?)] = [
        ("hour", "the last hour", 3600), ("day", "the last day", 86400), ("week", "the last 7 days", 7 * 86400), ("all", "any time", nil),
    ]

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("sessions") { request, _ in try await PortalHandler.run { try await list(request) } }
        router.get("sessions/{id}") { request, context in
            try await PortalHandler.run { try await show(request, try context.parameters.require("id")) }
        }
    }

    private func list(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let query = request.uri.queryParameters
        let agentID = query["agent"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let status = query["status"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let kind = query["kind"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let window = Self.windows.first { $0.value == query["since"].map(String.init) } ?? Self.windows[2]
        let cursor = query["cursor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let agents = try await dbCall { try await store.agents(accountID: session.account.id) }
        let names = Dictionary(agents.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let since = window.seconds.map { Date().addingTimeInterval(-$0) }
        let page = try await dbCall {
            try await store.sessions(accountID: session.account.id, agentID: agentID, status: status, updatedAfter: since,
                                     limit: Self.pageSize, cursor: cursor)
        }
        // The kind filter applies to the page the store returned: a page may show fewer rows.
        let shown = kind.map { kind in page.filter { ($0.redactionsByKind[kind] ?? 0) > 0 } } ?? page
        var model = PortalSession.frame(session, title: "Sessions", section: "sessions")
        model["sessions"] = shown.map { row($0, names) }
        model["hasSessions"] = !shown.isEmpty
        model["agents"] = agents.map { ["id": $0.id, "name": $0.name, "selected": $0.id == agentID] }
        model["windows"] = Self.windows.map { ["value": $0.value, "label": $0.label, "selected": $0.value == window.value] }
        model["kinds"] = EntityKind.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == kind] }
        model["status"] = status ?? ""
        if page.count == Self.pageSize, let last = page.last {
            var next = URLComponents()
            next.queryItems = [("agent", agentID), ("status", status), ("kind", kind), ("since", window.value), ("cursor", last.id)]
                .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
            model["next"] = "/sessions?" + (next.percentEncodedQuery ?? "")
        }
        model["filtered"] = kind != nil
        return PortalResponse.page("sessions", model)
    }

    private func show(_ request: Request, _ id: String) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        guard let call = try await dbCall({ try await store.session(id: id, accountID: session.account.id) }) else {
            throw PortalError(.notFound, "No such session in this account.")
        }
        let agent = try await dbCall { try await store.agent(id: call.agentID, accountID: session.account.id) }
        var model = PortalSession.frame(session, title: "Session \(call.id)", section: "sessions")
        model["call"] = row(call, agent.map { [$0.id: $0.name] } ?? [:])
        model["kinds"] = DashboardModel.redactionsByKind([call])
        model["stages"] = DashboardModel.stageMeans([call])
        return PortalResponse.page("session", model)
    }

    private func row(_ call: ProxySession, _ names: [String: String]) -> [String: Any] {
        let redactions = call.redactionsByKind.values.reduce(0, +)
        return ["id": call.id, "agent": names[call.agentID] ?? call.agentID, "agentID": call.agentID, "external": call.externalID ?? "",
                "started": UTCTimestamp.format(call.startedAt), "updated": UTCTimestamp.format(call.updatedAt), "turns": call.turns,
                "status": call.status, "ok": call.status == "ok", "redactions": redactions,
                "kindList": call.redactionsByKind.keys.sorted().joined(separator: ", ")]
    }
}
