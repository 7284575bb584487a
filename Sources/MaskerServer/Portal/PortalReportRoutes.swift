import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore
import MaskerStore

/// `/reports`: make a signed audit report for one of the account's sessions, one of its agents,
/// or a time window over its agents; see it, print it, download its signed JSON.
///
/// A report is `masker report`'s (`AuditReport`, `ReportSignature`): the log verified from start to
/// end, the scope's counts, the Safe Harbor matrix with measured recall, the policy, and samples of
/// kept masked payloads, signed with `MASKER_REPORT_SIGNING_KEY`. Made here its scope is walled to
/// the account's agents (`ReportScope.agentIDs`) and it is kept sealed (`StoredReport`), so
/// another account's report is "not found". The printable page is the same self-contained page as
/// `masker report --format html` (its signed JSON embedded), checked by `masker report verify`.
struct PortalReportRoutes {
    let store: any ServerStore
    let runtime: MaskingRuntime
    let signingKey: Curve25519.Signing.PrivateKey?

    static let windows: [(value: String, label: String, seconds: Double?)] = [
        ("day", "the last day", 86_400), ("week", "the last 7 days", 7 * 86_400), ("month", "the last 30 days", 30 * 86_400),
        ("all", "all time", nil),
    ]
    /// The printable page styles itself inline and runs no script at all.
    static let printPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("reports") { request, _ in
            try await PortalHandler.run {
                let session = try await PortalSession.require(request, store: store)
                return try await listPage(session, problem: nil, status: .ok)
            }
        }
        router.post("reports") { request, _ in try await PortalHandler.run { try await make(request) } }
        router.get("reports/{id}") { request, context in
            try await PortalHandler.run { try await show(request, try context.parameters.require("id")) }
        }
        router.get("reports/{id}/print") { request, context in
            try await PortalHandler.run { try await printable(request, try context.parameters.require("id")) }
        }
        router.get("reports/{id}/json") { request, context in
            try await PortalHandler.run { try await download(request, try context.parameters.require("id")) }
        }
    }

    private func listPage(_ session: LoginSession, problem: String?, status: HTTPResponse.Status) async throws -> Response {
        let reports = try await dbCall { try await store.reports(accountID: session.account.id, limit: 50) }
        let agents = try await dbCall { try await store.agents(accountID: session.account.id) }
        var model = PortalSession.frame(session, title: "Reports", section: "audit")
        model["reports"] = reports.map { ["id": $0.id, "created": UTCTimestamp.format($0.createdAt), "scope": $0.scope, "verified": $0.verified] }
        model["hasReports"] = !reports.isEmpty
        model["agents"] = agents.map { ["id": $0.id, "name": $0.name] }
        model["windows"] = Self.windows.map { ["value": $0.value, "label": $0.label, "selected": $0.value == "week"] }
        if signingKey == nil {
            model["off"] = "Reports are off on this server: set MASKER_REPORT_SIGNING_KEY (base64 of a 32-byte Ed25519 private key) and restart it."
        } else if runtime.audit == nil {
            model["off"] = "This server keeps no audit log (the policy's audit.log_events is off), so there is nothing to report on."
        }
        if let problem { model["problem"] = problem }
        return PortalResponse.page("reports", model, status: status)
    }

    private func make(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request)
        try PortalSession.checkCSRF(form, session)
        guard let signingKey, let audit = runtime.audit else { return try await listPage(session, problem: nil, status: .serviceUnavailable) }
        let (scope, label) : (ReportScope, String)
        do {
            (scope, label) = try await self.scope(form, account: session.account.id)
        } catch let problem as PortalError {
            return try await listPage(session, problem: problem.message, status: problem.status)
        }
        let policy = runtime.policyState.policy
        let signed: JSONValue
        do {
            let unsigned = try await audit.report(scope: scope, policy: policy, now: scope.until)
            signed = try ReportSignature.sign(unsigned, with: signingKey)
        } catch let error as AuditLogError {
            return try await listPage(session, problem: "The report could not be made: \(error). Nothing was kept.", status: .serviceUnavailable)
        }
        let id = ServerIDs.next("rpt")
        let text = signed.serialized(indent: 2) + "\n"
        let report = StoredReport(id: id, accountID: session.account.id, createdAt: scope.until, scope: label,
                                  verified: signed["chain"]?["verified"] == .bool(true),
                                  sealed: try StoredReport.seal(text, key: audit.recordKey, id: id, accountID: session.account.id))
        try await dbCall { try await store.insertReport(report) }
        return PortalResponse.redirect(to: "/reports/\(id)")
    }

    /// The report's scope from the form, walled to the account's agents, and its label.
    private func scope(_ form: PortalForm, account: String) async throws -> (ReportScope, String) {
        let agents = try await dbCall { try await store.agents(accountID: account) }
        let mine = Set(agents.map(\.id))
        let now = Date()
        let window = Self.windows.first { $0.value == form["since"] } ?? Self.windows[1]
        let since = window.seconds.map { now.addingTimeInterval(-$0) }
        switch form["scope"] {
        case "session":
            let id = (form["session"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty, let call = try await dbCall({ try await store.session(id: id, accountID: account) }) else {
                throw PortalError(.notFound, "No such session in this account: give a session id from the Sessions page (sess_…).")
            }
            guard let external = call.externalID else {
                throw PortalError(.unprocessableContent, "This session has no call id (its caller sent no Masker-Session-Id), so its audit records are not grouped under it; make a report for its agent and time instead.")
            }
            return (ReportScope(sessionID: external, agentID: call.agentID, agentIDs: mine, until: now), "session \(call.id) (call id \(external))")
        case "agent":
            guard let agent = agents.first(where: { $0.id == form["agent"] }) else { throw PortalError(.notFound, "No such agent in this account.") }
            return (ReportScope(agentID: agent.id, agentIDs: mine, since: since, until: now), "agent \(agent.name), \(window.label)")
        default:
            return (ReportScope(agentIDs: mine, since: since, until: now), "all agents, \(window.label)")
        }
    }

    private func stored(_ request: Request, _ id: String) async throws -> (LoginSession, StoredReport, JSONValue) {
        let session = try await PortalSession.require(request, store: store)
        guard let report = try await dbCall({ try await store.report(id: id, accountID: session.account.id) }) else {
            throw PortalError(.notFound, "No such report in this account.")
        }
        guard let key = runtime.audit?.recordKey, let text = report.open(key: key), let json = try? JSONParser.parse(text) else {
            throw PortalError(.serviceUnavailable, "This report was kept but does not open with this server's audit key (the key was changed), so it cannot be shown.")
        }
        return (session, report, json)
    }

    private func show(_ request: Request, _ id: String) async throws -> Response {
        let (session, report, json) = try await stored(request, id)
        var model = PortalSession.frame(session, title: "Report \(report.id)", section: "audit")
        model["id"] = report.id
        model["scope"] = report.scope
        model["created"] = UTCTimestamp.format(report.createdAt)
        model["verified"] = report.verified
        model["records"] = json["chain"]?["scope_records"]?.intValue ?? 0
        model["sessions"] = json["counts"]?["sessions"]?.intValue ?? 0
        model["root"] = json["chain"]?["root"]?.stringValue ?? ""
        model["breakReason"] = json["chain"]?["first_break"]?["reason"]?.stringValue ?? ""
        if case let .object(kinds)? = json["counts"]?["redactions_by_entity_kind"] {
            model["kinds"] = kinds.map { ["kind": $0.0, "count": $0.1.intValue ?? 0] }
        }
        if case let .array(rows)? = json["safe_harbor"] {
            model["harbor"] = rows.map { row -> [String: Any] in
                var kinds: [String] = []
                if case let .array(values)? = row["kinds"] { kinds = values.compactMap(\.stringValue) }
                return ["category": row["category"]?.stringValue ?? "", "title": row["title"]?.stringValue ?? "",
                        "kinds": kinds.joined(separator: ", "), "coverage": row["coverage"]?.stringValue ?? "",
                        "redactions": row["redactions"]?.intValue ?? 0]
            }
        }
        model["publicKey"] = json["signature"]?["public_key"]?.stringValue ?? ""
        return PortalResponse.page("report", model)
    }

    private func printable(_ request: Request, _ id: String) async throws -> Response {
        let (_, _, json) = try await stored(request, id)
        return PortalResponse.text(try ReportHTML.render(json), type: "text/html; charset=utf-8",
                                   headers: [HTTPField.Name("Content-Security-Policy")!: Self.printPolicy])
    }

    private func download(_ request: Request, _ id: String) async throws -> Response {
        let (_, report, json) = try await stored(request, id)
        return PortalResponse.text(json.serialized(indent: 2) + "\n", type: "application/json",
                                   headers: [.contentDisposition: "attachment; filename=\"masker-report-\(report.id).json\""])
    }
}
