import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore
import MaskerStore

/// `/agents`: the account's agents, the create wizard, one agent's page (its proxy URL and what to
/// paste into each voice platform, its last week's calls, an edit form) and deletion behind a
/// confirmation. Validation is the API's own (`AgentRoutes`), so the two never disagree.
struct PortalAgentRoutes {
    let store: any ServerStore
    let api: AgentRoutes
    let agents: AgentCache
    let runtime: MaskingRuntime
    let configuration: ServerConfiguration

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("agents") { request, _ in try await PortalHandler.run { try await list(request) } }
        router.get("agents/new") { request, _ in try await PortalHandler.run { try await showNew(request) } }
        router.post("agents/new") { request, _ in try await PortalHandler.run { try await create(request) } }
        router.get("agents/{id}") { request, context in try await PortalHandler.run { try await show(request, try context.parameters.require("id")) } }
        router.post("agents/{id}") { request, context in try await PortalHandler.run { try await update(request, try context.parameters.require("id")) } }
        router.get("agents/{id}/delete") { request, context in
            try await PortalHandler.run { try await confirmDelete(request, try context.parameters.require("id")) }
        }
        router.post("agents/{id}/delete") { request, context in try await PortalHandler.run { try await delete(request, try context.parameters.require("id")) } }
    }

    private func list(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let all = try await dbCall { try await store.agents(accountID: session.account.id) }
        var model = PortalSession.frame(session, title: "Agents", section: "agents")
        model["agents"] = all.map { row($0, base: baseURL(request)) }
        model["hasAgents"] = !all.isEmpty
        return PortalResponse.page("agents", model)
    }

    private func showNew(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        return PortalResponse.page("agent-form", formModel(session, title: "New agent", action: "/agents/new", values: AgentForm()))
    }

    private func create(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request, limit: configuration.maxBodyBytes)
        try PortalSession.checkCSRF(form, session)
        let values = AgentForm(form)
        do {
            let fields = try validated(values)
            let agent = try await store.createAgent(accountID: session.account.id, name: fields.name, upstream: fields.upstream,
                                                    tokenization: fields.tokenization, policyName: fields.policyName, policyYAML: fields.policyYAML)
            return PortalResponse.redirect(to: "/agents/\(agent.id)?created=1")
        } catch let error as APIError {
            return invalid(error, session, title: "New agent", action: "/agents/new", values: values)
        } catch ServerStoreError.nameTaken {
            return invalid(AgentRoutes.nameTaken(values.name), session, title: "New agent", action: "/agents/new", values: values)
        } catch let error as ServerStoreError {
            throw APIError.databaseUnavailable(error)
        }
    }

    private func show(_ request: Request, _ id: String) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let agent = try await owned(id, session)
        var model = formModel(session, title: agent.name, action: "/agents/\(agent.id)", values: AgentForm(agent))
        let base = baseURL(request)
        model["agent"] = row(agent, base: base)
        model["justCreated"] = request.uri.queryParameters["created"] == "1"
        model["platforms"] = PlatformSettings.all(proxyURL: proxyURL(agent, base: base), webhookURL: "\(base)/vapi/webhook/\(agent.id)",
                                                  retellURL: configuration.retellListen.map { "ws://\($0)/retell/\(agent.id)" })
        if configuration.publicURL == nil {
            model["noPublicURL"] = true
        }
        model["stats"] = try await stats(agent, session)
        return PortalResponse.page("agent", model)
    }

    private func update(_ request: Request, _ id: String) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request, limit: configuration.maxBodyBytes)
        try PortalSession.checkCSRF(form, session)
        var agent = try await owned(id, session)
        let values = AgentForm(form)
        do {
            let fields = try validated(values)
            (agent.name, agent.upstream, agent.tokenization) = (fields.name, fields.upstream, fields.tokenization)
            (agent.policyName, agent.policyYAML) = (fields.policyName, fields.policyYAML)
            guard try await store.updateAgent(agent) else { throw PortalError(.notFound, "No such agent in this account.") }
        } catch let error as APIError {
            var model = formModel(session, title: agent.name, action: "/agents/\(agent.id)", values: values)
            model["agent"] = row(agent, base: baseURL(request))
            model["problem"] = problem(error)
            return PortalResponse.page("agent", model, status: error.status)
        } catch ServerStoreError.nameTaken {
            return invalid(AgentRoutes.nameTaken(values.name), session, title: agent.name, action: "/agents/\(agent.id)", values: values)
        } catch let error as ServerStoreError {
            throw APIError.databaseUnavailable(error)
        }
        runtime.forget(agentID: id)
        agents.forget(id)
        return PortalResponse.redirect(to: "/agents/\(id)")
    }

    private func confirmDelete(_ request: Request, _ id: String) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let agent = try await owned(id, session)
        var model = PortalSession.frame(session, title: "Delete \(agent.name)", section: "agents")
        model["agent"] = row(agent, base: baseURL(request))
        return PortalResponse.page("agent-delete", model)
    }

    private func delete(_ request: Request, _ id: String) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request)
        try PortalSession.checkCSRF(form, session)
        guard form["confirm"] == "yes" else { return PortalResponse.redirect(to: "/agents/\(id)/delete") }
        guard try await dbCall({ try await store.deleteAgent(id: id, accountID: session.account.id) }) else {
            throw PortalError(.notFound, "No such agent in this account.")
        }
        runtime.forget(agentID: id)
        agents.forget(id)
        return PortalResponse.redirect(to: "/agents")
    }

    // MARK: Helpers

    /// Another account's agent is "not found", exactly like one that does not exist.
    private func owned(_ id: String, _ session: LoginSession) async throws -> Agent {
        guard let agent = try await dbCall({ try await store.agent(id: id, accountID: session.account.id) }) else {
            throw PortalError(.notFound, "No such agent in this account.")
        }
        return agent
    }

    private func validated(_ values: AgentForm) throws(APIError) -> (name: String, upstream: String, tokenization: String?,
                                                                    policyName: String?, policyYAML: String?) {
        let name = try AgentRoutes.validName(.string(values.name))
        let upstream = try AgentRoutes.validUpstream(.string(values.upstream))
        let tokenization = try AgentRoutes.validTokenization(values.tokenization.isEmpty ? nil : .string(values.tokenization))
        let policy: (name: String?, yaml: String?)
        switch values.policyChoice {
        case "builtin": policy = try api.validPolicy(name: .string(Policy.healthcareDefault.name), yaml: nil)
        case "yaml": policy = try api.validPolicy(name: nil, yaml: .string(values.policyYAML))
        default: policy = (nil, nil)
        }
        return (name, upstream, tokenization, policy.name, policy.yaml)
    }

    private func invalid(_ error: APIError, _ session: LoginSession, title: String, action: String, values: AgentForm) -> Response {
        var model = formModel(session, title: title, action: action, values: values)
        model["problem"] = problem(error)
        return PortalResponse.page("agent-form", model, status: error.status)
    }

    /// The error's sentence, and each policy issue with its line, column, code and fix.
    private func problem(_ error: APIError) -> [String: Any] {
        var issues: [[String: Any]] = []
        if case let .array(list)? = error.details.first(where: { $0.0 == "issues" })?.1 {
            issues = list.map { issue in
                ["line": issue["line"]?.intValue ?? 0, "column": issue["column"]?.intValue ?? 0,
                 "code": issue["code"]?.stringValue ?? "", "message": issue["message"]?.stringValue ?? "", "fix": issue["fix"]?.stringValue ?? ""]
            }
        }
        return ["message": error.message, "issues": issues, "hasIssues": !issues.isEmpty]
    }

    private func formModel(_ session: LoginSession, title: String, action: String, values: AgentForm) -> [String: Any] {
        var model = PortalSession.frame(session, title: title, section: "agents")
        model["action"] = action
        model["form"] = values.model
        model["schemes"] = [["value": "", "label": "the policy's own", "selected": values.tokenization.isEmpty]]
            + TokenizationScheme.allCases.map { ["value": $0.rawValue, "label": $0.rawValue, "selected": values.tokenization == $0.rawValue] }
        model["builtinPolicy"] = Policy.healthcareDefault.name
        return model
    }

    private func row(_ agent: Agent, base: String) -> [String: Any] {
        ["id": agent.id, "name": agent.name, "upstream": agent.upstream, "scheme": agent.tokenization ?? "policy's own",
         "policy": agent.policyYAML != nil ? "its own (YAML)" : (agent.policyName ?? "the server's"),
         "proxyURL": proxyURL(agent, base: base), "created": UTCTimestamp.format(agent.createdAt)]
    }

    private func proxyURL(_ agent: Agent, base: String) -> String { "\(base)/proxy/\(agent.id)/v1" }

    /// `MASKER_PUBLIC_URL`, else the address this browser reached the server at (its `Host`): the
    /// listen address (`0.0.0.0:8080`, or port 0 in tests) is no URL anyone can call.
    private func baseURL(_ request: Request) -> String {
        if let configured = configuration.publicURL { return configured }
        let host = request.head.authority ?? ""
        let safe = !host.isEmpty && host.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) }
        return safe ? "http://\(host)" : configuration.baseURL
    }

    /// The agent's last seven days: calls, turns, what was masked.
    private func stats(_ agent: Agent, _ session: LoginSession) async throws -> [String: Any] {
        let sessions = try await dbCall {
            try await store.sessions(accountID: session.account.id, agentID: agent.id, status: nil,
                                     updatedAfter: Date().addingTimeInterval(-7 * 86400), limit: DashboardModel.sessionLimit, cursor: nil)
        }
        let kinds = DashboardModel.redactionsByKind(sessions)
        return ["sessions": sessions.count, "turns": sessions.reduce(0) { $0 + $1.turns }, "kinds": kinds, "hasKinds": !kinds.isEmpty]
    }
}

/// The agent form's values, as typed (shown back when something is wrong).
struct AgentForm {
    var name = ""
    var upstream = "stub"
    var tokenization = ""
    /// `server` (the server's policy), `builtin` (healthcare-default) or `yaml`.
    var policyChoice = "server"
    var policyYAML = ""

    init() {}

    init(_ form: PortalForm) {
        name = form["name"] ?? ""
        upstream = form["upstream"] ?? ""
        tokenization = form["tokenization"] ?? ""
        policyChoice = form["policy_choice"] ?? "server"
        policyYAML = form["policy_yaml"] ?? ""
    }

    init(_ agent: Agent) {
        name = agent.name
        upstream = agent.upstream
        tokenization = agent.tokenization ?? ""
        policyChoice = agent.policyYAML != nil ? "yaml" : (agent.policyName != nil ? "builtin" : "server")
        policyYAML = agent.policyYAML ?? ""
    }

    var model: [String: Any] {
        ["name": name, "upstream": upstream, "policyYAML": policyYAML,
         "server": policyChoice == "server", "builtin": policyChoice == "builtin", "yaml": policyChoice == "yaml"]
    }
}
