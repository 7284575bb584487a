import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/api/v1/tokens`: the account's API tokens — listed without their secrets, created (the secret
/// is in the answer once), revoked. A leaked token is revoked here and stops working at once.
struct TokenRoutes {
    let store: any ServerStore

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.get("tokens") { _, context in
            let account = try context.requireAccount()
            let tokens = try await dbCall { try await store.tokens(accountID: account.id) }
            return JSONResponse.make(.object([("data", .array(tokens.map(Self.json))), ("next_cursor", .null)]))
        }
        group.post("tokens") { _, context in
            let account = try context.requireAccount()
            let issued = try await dbCall { try await store.issueTokenWithID(accountID: account.id) }
            return JSONResponse.make(.object([
                ("id", .string(issued.id)), ("token", .string(issued.secret)), ("role", .string("admin")),
                ("note", .string("shown once: only its hash is kept")),
            ]), status: .created)
        }
        group.delete("tokens/{id}") { _, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            guard try await dbCall({ try await store.revokeToken(id: id, accountID: account.id) }) else { throw APIError.notFound("token") }
            return Response(status: .noContent)
        }
    }

    static func json(_ token: APITokenInfo) -> JSONValue {
        .object([("id", .string(token.id)), ("role", .string(token.role)), ("created_at", .string(UTCTimestamp.format(token.createdAt)))])
    }
}
