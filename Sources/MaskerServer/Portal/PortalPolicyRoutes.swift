import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/policy`: the policy in force as YAML (every default filled in, as `masker policy show` prints
/// it), an editor that validates a draft (every problem with line, column, code and fix, as `masker
/// policy validate` prints them) and diffs it against the live policy, and, for admins, a reload of
/// the server's policy file.
///
/// The editor does not write the policy file: the file on the server stays the source of truth
/// (reviewed, versioned); the page checks a draft before it goes there.
struct PortalPolicyRoutes {
    let store: any ServerStore
    let runtime: MaskingRuntime

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("policy") { request, _ in
            try await PortalHandler.run {
                let session = try await PortalSession.require(request, store: store)
                return PortalResponse.page("policy", model(session, draft: runtime.policyState.policy.yamlText))
            }
        }
        router.post("policy/validate") { request, _ in try await PortalHandler.run { try await validate(request) } }
        router.post("policy/check") { request, _ in try await PortalHandler.run { try await check(request) } }
        router.post("policy/reload") { request, _ in try await PortalHandler.run { try await reload(request) } }
    }

    private func model(_ session: LoginSession, draft: String) -> [String: Any] {
        let live = runtime.policyState.policy
        var model = PortalSession.frame(session, title: "Policy", section: "policy")
        model["live"] = live.yamlText
        model["liveName"] = live.name
        model["liveVersion"] = live.version
        model["draft"] = draft
        model["isAdmin"] = session.user.role == "admin"
        return model
    }

    private func validate(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request, limit: 256 * 1024)
        try PortalSession.checkCSRF(form, session)
        let draft = form["draft"] ?? ""
        var model = model(session, draft: draft)
        let issues = runtime.issues(inAgentPolicy: draft)
        model["validated"] = true
        model["issues"] = issues.map { issue in
            ["severity": issue.severity.rawValue, "line": issue.line, "column": issue.column, "code": issue.code.rawValue,
             "message": issue.message, "fix": issue.fix] as [String: Any]
        }
        model["hasIssues"] = !issues.isEmpty
        model["valid"] = issues.errors.isEmpty
        if issues.errors.isEmpty, let policy = PolicyParser.parse(draft).policy {
            let diff = PolicyDiff(from: runtime.policyState.policy, to: policy)
            model["changes"] = diff.changes.map { ["line": $0.line] }
            model["unchanged"] = diff.isEmpty
        }
        return PortalResponse.page("policy", model, status: issues.errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The live check behind the policy editors (`portal.js`, as the user types): the same issues
    /// as `validate`, as JSON `{valid, issues: [{severity, line, column, code, message, fix}]}`.
    /// A form post with the page's CSRF token, like every other.
    private func check(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request, limit: 256 * 1024)
        try PortalSession.checkCSRF(form, session)
        let issues = runtime.issues(inAgentPolicy: form["draft"] ?? "")
        var response = JSONResponse.make(.object([
            ("valid", .bool(issues.errors.isEmpty)),
            ("issues", .array(issues.map { issue in
                .object([("severity", .string(issue.severity.rawValue)), ("line", .int(issue.line)), ("column", .int(issue.column)),
                         ("code", .string(issue.code.rawValue)), ("message", .string(issue.message)), ("fix", .string(issue.fix))])
            })),
        ]))
        PortalResponse.secure(&response)
        return response
    }

    private func reload(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        try PortalSession.checkCSRF(try await PortalForm.read(request), session)
        guard session.user.role == "admin" else {
            throw PortalError(.forbidden, "Reloading the server's policy is for admins; ask one, or use masker's CLI on the server.")
        }
        var model = model(session, draft: runtime.policyState.policy.yamlText)
        do {
            let policy = try await runtime.reload()
            model = self.model(session, draft: policy.yamlText)
            model["reloaded"] = "Reloaded: \(policy.name), version \(policy.version), is in force."
            return PortalResponse.page("policy", model)
        } catch let error as PolicyInvalid {
            model["reloadProblem"] = "The policy file has \(error.issues.errors.count) error(s); the previous policy stays in force. Validate the file's text here to see them."
            return PortalResponse.page("policy", model, status: .unprocessableContent)
        } catch {
            model["reloadProblem"] = "The policy file could not be read; the previous policy stays in force."
            return PortalResponse.page("policy", model, status: .unprocessableContent)
        }
    }
}
