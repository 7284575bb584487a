import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/settings`: the account's API tokens (created with the secret shown once, revoked at once) and
/// the user's password. A new password ends every browser session of the user, this one included.
struct PortalSettingsRoutes {
    let store: any ServerStore

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("settings") { request, _ in
            try await PortalHandler.run {
                let session = try await PortalSession.require(request, store: store)
                return try await page(session, extra: [:])
            }
        }
        router.post("settings/tokens") { request, _ in try await PortalHandler.run { try await createToken(request) } }
        router.post("settings/tokens/{id}/revoke") { request, context in
            try await PortalHandler.run { try await revoke(request, try context.parameters.require("id")) }
        }
        router.post("settings/password") { request, _ in try await PortalHandler.run { try await changePassword(request) } }
    }

    private func page(_ session: LoginSession, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let tokens = try await dbCall { try await store.tokens(accountID: session.account.id) }
        var model = PortalSession.frame(session, title: "Settings", section: "settings")
        model["tokens"] = tokens.map { ["id": $0.id, "role": $0.role, "created": UTCTimestamp.format($0.createdAt)] }
        model["hasTokens"] = !tokens.isEmpty
        let users = try await dbCall { try await store.users(accountID: session.account.id) }
        model["users"] = users.map { ["name": $0.username, "role": $0.role, "created": UTCTimestamp.format($0.createdAt), "you": $0.id == session.user.id] }
        model["minimumLength"] = PasswordHasher.minimumLength
        model.merge(extra) { _, new in new }
        return PortalResponse.page("settings", model, status: status)
    }

    /// The new secret is on this page only: the response is not cached and the secret is kept
    /// nowhere but as its hash.
    private func createToken(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        try PortalSession.checkCSRF(try await PortalForm.read(request), session)
        let issued = try await dbCall { try await store.issueTokenWithID(accountID: session.account.id) }
        return try await page(session, extra: ["newToken": ["id": issued.id, "secret": issued.secret]], status: .created)
    }

    private func revoke(_ request: Request, _ id: String) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        try PortalSession.checkCSRF(try await PortalForm.read(request), session)
        guard try await dbCall({ try await store.revokeToken(id: id, accountID: session.account.id) }) else {
            throw PortalError(.notFound, "No such token in this account.")
        }
        return PortalResponse.redirect(to: "/settings")
    }

    private func changePassword(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request)
        try PortalSession.checkCSRF(form, session)
        let current = form["current"] ?? "", new = form["new"] ?? "", again = form["again"] ?? ""
        let stored = try await dbCall { try await store.credentials(username: session.user.username) }
        guard let stored, await PasswordHasher.verifyOffloaded(current, against: stored.passwordHash) else {
            return try await page(session, extra: ["passwordProblem": "The current password is wrong."], status: .forbidden)
        }
        guard new.count >= PasswordHasher.minimumLength else {
            return try await page(session, extra: ["passwordProblem": "The new password is shorter than \(PasswordHasher.minimumLength) characters."],
                                  status: .unprocessableContent)
        }
        guard new == again else {
            return try await page(session, extra: ["passwordProblem": "The two new passwords differ."], status: .unprocessableContent)
        }
        let hash = try await PasswordHasher.hashOffloaded(new)
        try await dbCall { try await store.setPassword(userID: session.user.id, passwordHash: hash) }
        return PortalResponse.redirect(to: "/login?changed=1")
    }
}
