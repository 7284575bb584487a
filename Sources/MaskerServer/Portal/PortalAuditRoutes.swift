import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/audit`: verify the audit chain with one click, and the events table, newest first, with
/// filters (event kind, entity kind, agent, call id) and pages.
///
/// One log holds every account's records, so the table shows only the records of this account's
/// agents, and to admins also the server's own (no agent: policy reloads, key rotations, purges,
/// command-line runs). Records hold positions, kinds and hashes, never text. The log is read from
/// its end back (`AuditLogTail`), at most `scanLimit` records a page: a rare filter on a long log
/// says how far it looked and offers to look further.
struct PortalAuditRoutes {
    let store: any ServerStore
    let runtime: MaskingRuntime

    static let pageSize = 50
    static let scanLimit = 20_000

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("audit") { request, _ in try await PortalHandler.run { try await page(request, verification: nil) } }
        router.post("audit/verify") { request, _ in
            try await PortalHandler.run {
                let session = try await PortalSession.require(request, store: store)
                try PortalSession.checkCSRF(try await PortalForm.read(request), session)
                return try await page(request, verification: await verify())
            }
        }
    }

    /// The chain check's outcome for the page.
    private func verify() async -> [String: Any] {
        guard let audit = runtime.audit else { return ["problem": "This server keeps no audit log (the policy's audit.log_events is off)."] }
        do {
            let outcome = try await audit.verify(expectedRoot: nil)
            var model: [String: Any] = ["verified": true, "holds": outcome.holds, "records": outcome.records, "root": outcome.root]
            if let broken = outcome.firstBreak { model["firstBreak"] = ["line": broken.line, "reason": broken.reason] }
            return model
        } catch {
            return ["problem": "The audit log does not exist yet; it is created with the first event."]
        }
    }

    private func page(_ request: Request, verification: [String: Any]?) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        var model = PortalSession.frame(session, title: "Audit", section: "audit")
        if let verification { model.merge(verification) { $1 } }
        let query = request.uri.queryParameters
        func filter(_ name: Substring) -> String? { query[name].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let agents = try await dbCall { try await store.agents(accountID: session.account.id) }
        let names = Dictionary(agents.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let admin = session.user.role == "admin"
        let wanted = (kind: filter("kind"), entity: filter("entity"), agent: filter("agent"), call: filter("call"))
        let before = filter("before").flatMap(UInt64.init)

        var rows: [[String: Any]] = []
        var scanned = 0
        var next: UInt64?
        // Records are canonical JSON (`"key":"value"`, no spaces): a filter's member is looked for
        // in the line's bytes before the line is parsed, which is most of a rare filter's cost.
        let needles = [("kind", wanted.kind), ("entity_kind", wanted.entity), ("agent_id", wanted.agent), ("session_id", wanted.call)]
            .compactMap { key, value in value.flatMap { Self.member(key, $0) } }
        if let audit = runtime.audit {
            next = try await audit.scanNewest(before: before, maxLines: Self.scanLimit) { line in
                scanned += 1
                guard needles.allSatisfy({ Self.contains(line, $0) }), let record = try? JSONParser.parse(Array(line)) else { return true }
                let agent = record["agent_id"]?.stringValue
                // The wall: another account's agent, or (for members) the server's own records.
                if let agent { guard names[agent] != nil else { return true } } else if !admin { return true }
                if let kind = wanted.kind, record["kind"]?.stringValue != kind { return true }
                if let entity = wanted.entity, record["entity_kind"]?.stringValue != entity { return true }
                if let want = wanted.agent, agent != want { return true }
                if let call = wanted.call, record["session_id"]?.stringValue != call { return true }
                rows.append(Self.row(record, agentName: agent.flatMap { names[$0] }))
                return rows.count < Self.pageSize
            }
        }
        model["events"] = rows
        model["hasEvents"] = !rows.isEmpty
        model["scanned"] = scanned
        model["kinds"] = AuditEventKind.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == wanted.kind] }
        model["entities"] = EntityKind.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == wanted.entity] }
        model["agents"] = agents.map { ["id": $0.id, "name": $0.name, "selected": $0.id == wanted.agent] }
        model["call"] = wanted.call ?? ""
        model["isAdmin"] = admin
        if let next {
            var link = URLComponents()
            link.queryItems = [("kind", wanted.kind), ("entity", wanted.entity), ("agent", wanted.agent), ("call", wanted.call),
                               ("before", String(next))].compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
            model["next"] = "/audit?" + (link.percentEncodedQuery ?? "")
            model["partial"] = rows.count < Self.pageSize
        }
        return PortalResponse.page("audit", model)
    }

    /// `"key":"value"` as a canonical record writes it, for a value that needs no escaping (ids,
    /// kinds); nil otherwise (the line is then only checked once parsed).
    static func member(_ key: String, _ value: String) -> [UInt8]? {
        guard value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "_-.:".unicodeScalars.contains($0)) })
        else { return nil }
        return Array("\"\(key)\":\"\(value)\"".utf8)
    }

    static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, line.count >= needle.count else { return false }
        var index = line.startIndex
        let last = line.endIndex - needle.count
        while index <= last {
            if line[index] == first, line[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    private static func row(_ record: JSONValue, agentName: String?) -> [String: Any] {
        func text(_ name: String) -> String { record[name]?.stringValue ?? "" }
        let confidence = record["confidence"]?.doubleValue.map { String(format: "%.2f", $0) } ?? ""
        var span = ""
        if case let .array(bounds)? = record["span"], bounds.count == 2, let start = bounds[0].intValue, let end = bounds[1].intValue {
            span = "\(start)–\(end)"
        }
        return ["ts": text("ts"), "kind": text("kind"), "entity": text("entity_kind"), "pass": text("pass"), "confidence": confidence,
                "tokenKind": text("token_kind"), "agent": agentName ?? (record["agent_id"]?.stringValue == nil ? "(server)" : ""),
                "call": text("session_id"), "field": record["detail"]?["field"]?.stringValue ?? "", "span": span, "id": text("event_id")]
    }
}
