import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/api/v1/agents`: create, list, show, update, delete. Every call is scoped to the caller's account;
/// another account's agent answers 404, exactly like one that does not exist.
struct AgentRoutes {
    let store: any ServerStore
    let agents: AgentCache
    let runtime: MaskingRuntime
    let configuration: ServerConfiguration

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.post("agents") { request, context in try await create(request, context) }
        group.get("agents") { _, context in try await list(context) }
        group.get("agents/{id}") { _, context in try await show(context) }
        group.patch("agents/{id}") { request, context in try await update(request, context) }
        group.delete("agents/{id}") { _, context in try await delete(context) }
    }

    private func create(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        var request = request
        let (body, _) = try await request.jsonObject(limit: configuration.maxBodyBytes)
        let name = try Self.validName(body["name"])
        let upstream = try Self.validUpstream(body["upstream"])
        let tokenization = try Self.validTokenization(body["tokenization"])
        let (policyName, policyYAML) = try validPolicy(name: body["policy_name"], yaml: body["policy_yaml"])
        do {
            let agent = try await store.createAgent(accountID: account.id, name: name, upstream: upstream, tokenization: tokenization,
                                              policyName: policyName, policyYAML: policyYAML)
            return JSONResponse.make(json(agent), status: .created)
        } catch .nameTaken {
            throw Self.nameTaken(name)
        } catch {
            throw APIError.databaseUnavailable(error)
        }
    }

    /// `PATCH /agents/{id}`: the fields given replace the agent's; its id, and so its proxy URL,
    /// stay, so the voice platform's configuration does not change. `tokenization: null` returns
    /// to the policy's scheme; `policy_name` or `policy_yaml` replaces the agent's policy (both
    /// null: the server's policy). Takes effect on this server at once, on other replicas within
    /// `AgentCache`'s few seconds.
    private func update(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let id = try context.parameters.require("id")
        var request = request
        let (body, _) = try await request.jsonObject(limit: configuration.maxBodyBytes)
        guard var agent = try await dbCall({ try await store.agent(id: id, accountID: account.id) }) else { throw APIError.notFound("agent") }
        if let value = body["name"] { agent.name = try Self.validName(value) }
        if let value = body["upstream"] { agent.upstream = try Self.validUpstream(value) }
        if let value = body["tokenization"] { agent.tokenization = try Self.validTokenization(value) }
        if body["policy_name"] != nil || body["policy_yaml"] != nil {
            (agent.policyName, agent.policyYAML) = try validPolicy(name: body["policy_name"], yaml: body["policy_yaml"])
        }
        let updated: Bool
        do {
            updated = try await store.updateAgent(agent)
        } catch .nameTaken {
            throw Self.nameTaken(agent.name)
        } catch {
            throw APIError.databaseUnavailable(error)
        }
        guard updated else { throw APIError.notFound("agent") } // deleted meanwhile
        runtime.forget(agentID: id)
        agents.forget(id)
        return JSONResponse.make(json(agent))
    }

    static func nameTaken(_ name: String) -> APIError {
        APIError(.conflict, "name_taken", "an agent named \"\(name)\" already exists in this account; choose another name")
    }

    static func validName(_ value: JSONValue?) throws(APIError) -> String {
        guard let name = value?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 100 else {
            throw APIError(.unprocessableContent, "invalid_agent", "name is required: a string of 1-100 characters")
        }
        return name
    }

    static func validUpstream(_ value: JSONValue?) throws(APIError) -> String {
        guard let upstream = value?.stringValue, UpstreamName(upstream) != nil else {
            throw APIError(.unprocessableContent, "invalid_agent", UpstreamName.help)
        }
        return upstream
    }

    /// nil when absent or null: the policy's own scheme.
    static func validTokenization(_ value: JSONValue?) throws(APIError) -> String? {
        guard let value, value != .null else { return nil }
        guard let tokenization = value.stringValue, TokenizationScheme(rawValue: tokenization) != nil else {
            let names = TokenizationScheme.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.unprocessableContent, "invalid_agent", "tokenization must be one of \(names)")
        }
        return tokenization
    }

    /// A built-in policy's name, or a policy document that validates here (keys included); both
    /// nil (absent or null) means the server's policy.
    func validPolicy(name: JSONValue?, yaml: JSONValue?) throws(APIError) -> (name: String?, yaml: String?) {
        let policyName = name == .null ? nil : name?.stringValue
        let policyYAML = yaml == .null ? nil : yaml?.stringValue
        if (name != nil && name != .null && policyName == nil) || (yaml != nil && yaml != .null && policyYAML == nil) {
            throw APIError(.unprocessableContent, "invalid_agent", "policy_name and policy_yaml are strings")
        }
        if policyName != nil, policyYAML != nil {
            throw APIError(.unprocessableContent, "invalid_agent", "give policy_name or policy_yaml, not both")
        }
        if let policyName, policyName != Policy.healthcareDefault.name {
            throw APIError(.unprocessableContent, "unknown_policy",
                           "policy_name must name a built-in policy (\(Policy.healthcareDefault.name)); send your own as policy_yaml")
        }
        if let policyYAML {
            let errors = runtime.issues(inAgentPolicy: policyYAML).errors
            if !errors.isEmpty {
                var error = APIError(.unprocessableContent, "policy_invalid",
                                     "policy_yaml has \(errors.count) error(s); fix them (masker policy validate shows the same list)")
                error.details = [("issues", .array(errors.map { issue in
                    .object([("code", .string(issue.code.rawValue)), ("path", .string(issue.path)), ("line", .int(issue.line)),
                             ("column", .int(issue.column)), ("message", .string(issue.message)), ("fix", .string(issue.fix))])
                }))]
                throw error
            }
        }
        return (policyName, policyYAML)
    }

    private func list(_ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let agents = try await dbCall { try await store.agents(accountID: account.id) }
        return JSONResponse.make(.object([("data", .array(agents.map(json))), ("next_cursor", .null)]))
    }

    private func show(_ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let id = try context.parameters.require("id")
        guard let agent = try await dbCall({ try await store.agent(id: id, accountID: account.id) }) else { throw APIError.notFound("agent") }
        return JSONResponse.make(json(agent))
    }

    private func delete(_ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let id = try context.parameters.require("id")
        guard try await dbCall({ try await store.deleteAgent(id: id, accountID: account.id) }) else { throw APIError.notFound("agent") }
        runtime.forget(agentID: id)
        agents.forget(id)
        return Response(status: .noContent)
    }

    func json(_ agent: Agent) -> JSONValue {
        .object([
            ("id", .string(agent.id)), ("name", .string(agent.name)), ("upstream", .string(agent.upstream)),
            ("tokenization", agent.tokenization.map(JSONValue.string) ?? .null),
            ("policy_name", agent.policyName.map(JSONValue.string) ?? .null),
            ("has_policy_yaml", .bool(agent.policyYAML != nil)),
            ("proxy_url", .string("\(configuration.baseURL)/proxy/\(agent.id)/v1")),
            ("created_at", .string(UTCTimestamp.format(agent.createdAt))),
        ])
    }
}

/// Runs a store call, mapping its failure to 503 (the reason goes to the log, not the client).
func dbCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw APIError.databaseUnavailable(error)
    }
}
