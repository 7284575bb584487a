import Crypto
import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/sessions`: the account's calls, newest first, filtered by agent, status, time and kind, a page
/// at a time (cursor pagination), and one call's page: its counts, and each turn with its stage
/// timings, its spans, and the four panels (original with each span highlighted by kind, masked,
/// the model's answer, restored). The panels' text exists only for turns whose policy kept
/// payloads (`audit.log_payloads: true`); it is opened here, on the server, for the session's own
/// account (`TurnPayload`), and otherwise the page says why it is absent and shows spans only.
struct PortalSessionRoutes {
    let store: any ServerStore
    /// Flushed before a session is read, so its page has every turn this server has answered.
    let recorder: SessionRecorder
    /// Opens kept turn text; nil when the server keeps no audit log (then no text is ever kept).
    let payloadKey: SymmetricKey?

    static let pageSize = 50
    /// Turns shown on a session's page: a call longer than this shows its first ones and says so.
    static let turnLimit = 200
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
        await recorder.flush()
        let agent = try await dbCall { try await store.agent(id: call.agentID, accountID: session.account.id) }
        let turns = try await dbCall { try await store.turns(sessionID: call.id, accountID: session.account.id, limit: Self.turnLimit + 1) }
        var model = PortalSession.frame(session, title: "Session \(call.id)", section: "sessions")
        model["call"] = row(call, agent.map { [$0.id: $0.name] } ?? [:])
        model["kinds"] = DashboardModel.redactionsByKind([call])
        model["stages"] = DashboardModel.stageMeans([call])
        model["turns"] = turns.prefix(Self.turnLimit).enumerated().map { turnModel($1, number: $0 + 1) }
        model["hasTurns"] = !turns.isEmpty
        if turns.count > Self.turnLimit { model["moreTurns"] = Self.turnLimit }
        return PortalResponse.page("session", model)
    }

    /// One turn: its timings and counts, and either its four panels or why there are none.
    private func turnModel(_ turn: ProxyTurn, number: Int) -> [String: Any] {
        var model: [String: Any] = [
            "number": number, "id": turn.id, "at": UTCTimestamp.format(turn.at), "status": turn.status, "ok": turn.status == "ok",
            "masked": turn.spans.count, "restored": turn.restored, "unrestorable": turn.unrestorable,
            "hasUnrestorable": turn.unrestorable > 0,
            "stages": turn.stageMillis.sorted { $0.key < $1.key }.map { ["stage": $0.key, "ms": String(format: "%.2f", $0.value)] },
            "spans": turn.spans.map { span in
                ["field": span.field, "kind": span.kind, "pass": span.pass, "confidence": String(format: "%.2f", span.confidence),
                 "action": span.action, "span": "\(span.start)–\(span.end)", "length": span.end - span.start,
                 "speaker": span.speaker ?? ""] as [String: Any]
            },
            "hasSpans": !turn.spans.isEmpty,
        ]
        guard let sealed = turn.sealed else {
            model["why"] = "Its text was not kept: the policy in force for this turn did not set audit.log_payloads: true "
                + "(or its retention period has passed). Spans, kinds and counts are all there is."
            return model
        }
        guard let payloadKey, let payload = TurnPayload.open(sealed, key: payloadKey, accountID: turn.accountID, sessionID: turn.sessionID,
                                                             turnID: turn.id) else {
            model["why"] = "Its text was kept but does not open with this server's audit key (the key was changed, or the record was "
                + "altered), so it is not shown."
            return model
        }
        model["payload"] = panels(payload, spans: turn.spans)
        return model
    }

    /// The four panels: each request text as sent (spans highlighted) and as masked (tokens
    /// highlighted), then the model's answer and what the caller got.
    private func panels(_ payload: TurnPayload, spans: [TurnSpan]) -> [String: Any] {
        let texts = payload.texts.map { text -> [String: Any] in
            let here = spans.filter { $0.field == text.field }
            return [
                "field": text.field, "role": text.role ?? "",
                "original": Highlight.segments(text.original, here.map {
                    Highlight.Mark(start: $0.start, end: $0.end, kind: $0.kind, pass: $0.pass, confidence: $0.confidence)
                }),
                "masked": Highlight.segments(text.masked, here.map {
                    Highlight.Mark(start: $0.maskedStart, end: $0.maskedEnd, kind: $0.kind, pass: $0.pass, confidence: $0.confidence)
                }),
            ]
        }
        var model: [String: Any] = ["texts": texts, "hasTexts": !texts.isEmpty, "truncated": payload.truncated]
        model["answer"] = payload.answer ?? ""
        model["restored"] = payload.restored ?? ""
        model["hasAnswer"] = payload.answer != nil
        return model
    }

    private func row(_ call: ProxySession, _ names: [String: String]) -> [String: Any] {
        let redactions = call.redactionsByKind.values.reduce(0, +)
        return ["id": call.id, "agent": names[call.agentID] ?? call.agentID, "agentID": call.agentID, "external": call.externalID ?? "",
                "started": UTCTimestamp.format(call.startedAt), "updated": UTCTimestamp.format(call.updatedAt), "turns": call.turns,
                "status": call.status, "ok": call.status == "ok", "redactions": redactions,
                "kindList": call.redactionsByKind.keys.sorted().joined(separator: ", ")]
    }
}
