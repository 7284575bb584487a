import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/api/v1/sessions` (filters `agent_id`, `status`, `updated_after`; cursor pagination),
/// `/sessions/{id}`, and `/sessions/{id}/turns`: each turn's time, status, stage timings and masked
/// spans (field, positions, kind, pass, confidence, treatment), never its text (the portal alone
/// opens kept text, for a person logged in to the session's account).
struct SessionRoutes {
    let store: any ServerStore
    /// Flushed before every read, so the API shows every turn this server has answered.
    let recorder: SessionRecorder

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.get("sessions") { request, context in try await list(request, context) }
        group.get("sessions/{id}") { _, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            await recorder.flush()
            guard let session = try await dbCall({ try await store.session(id: id, accountID: account.id) }) else { throw APIError.notFound("session") }
            return JSONResponse.make(Self.json(session))
        }
        group.get("sessions/{id}/turns") { _, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            await recorder.flush()
            guard try await dbCall({ try await store.session(id: id, accountID: account.id) }) != nil else { throw APIError.notFound("session") }
            let turns = try await dbCall { try await store.turns(sessionID: id, accountID: account.id, limit: 1000) }
            return JSONResponse.make(.object([("data", .array(turns.map(Self.json)))]))
        }
    }

    private func list(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let query = request.uri.queryParameters
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...500).contains(value) else {
                throw APIError(.badRequest, "invalid_limit", "limit must be a whole number from 1 to 500")
            }
            limit = value
        }
        var updatedAfter: Date?
        if let text = query["updated_after"] {
            guard let date = UTCTimestamp.parse(String(text)) else {
                throw APIError(.badRequest, "invalid_updated_after", "updated_after must be a UTC timestamp such as 2026-11-23T10:00:00.000Z")
            }
            updatedAfter = date
        }
        await recorder.flush()
        let page = try await dbCall {
            try await store.sessions(accountID: account.id, agentID: query["agent_id"].map(String.init), status: query["status"].map(String.init),
                                     updatedAfter: updatedAfter, limit: limit + 1, cursor: query["cursor"].map(String.init))
        }
        let shown = Array(page.prefix(limit))
        let next: JSONValue = page.count > limit ? .string(shown.last!.id) : .null
        return JSONResponse.make(.object([("data", .array(shown.map(Self.json))), ("next_cursor", next)]))
    }

    static func json(_ turn: ProxyTurn) -> JSONValue {
        .object([
            ("id", .string(turn.id)), ("at", .string(UTCTimestamp.format(turn.at))), ("status", .string(turn.status)),
            ("stage_ms", .object(turn.stageMillis.sorted { $0.key < $1.key }.map { ($0.key, .double(($0.value * 1000).rounded() / 1000)) })),
            ("spans", .array(turn.spans.map { span in
                .object([("field", .string(span.field)), ("start", .int(span.start)), ("end", .int(span.end)),
                         ("kind", .string(span.kind)), ("pass", .string(span.pass)), ("confidence", .double(span.confidence)),
                         ("treatment", .string(span.action)), ("speaker", span.speaker.map(JSONValue.string) ?? .null)])
            })),
            ("restored", .int(turn.restored)), ("unrestorable", .int(turn.unrestorable)), ("text_kept", .bool(turn.sealed != nil)),
        ])
    }

    static func json(_ session: ProxySession) -> JSONValue {
        .object([
            ("id", .string(session.id)), ("agent_id", .string(session.agentID)),
            ("external_id", session.externalID.map(JSONValue.string) ?? .null),
            ("started_at", .string(UTCTimestamp.format(session.startedAt))), ("updated_at", .string(UTCTimestamp.format(session.updatedAt))),
            ("turns", .int(session.turns)), ("status", .string(session.status)),
            ("redactions", .object(session.redactionsByKind.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("redactions_by_pass", .object(session.redactionsByPass.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("stage_ms", .object(session.stageMillis.sorted { $0.key < $1.key }.map { ($0.key, .double(($0.value * 1000).rounded() / 1000)) })),
        ])
    }
}
