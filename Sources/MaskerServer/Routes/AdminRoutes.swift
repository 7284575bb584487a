import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/api/v1/me`, `/admin/policy/reload` and `/audit/verify`.
struct AdminRoutes {
    let runtime: MaskingRuntime

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.get("me") { _, context in
            let account = try context.requireAccount()
            var fields: [(String, JSONValue)] = [("account_id", .string(account.id)), ("account_name", .string(account.name))]
            switch context.credential {
            case let .login(session)?:
                // A page that lost the token from the log-in answer can fetch it again here.
                fields += [("auth", .string("session")), ("csrf_token", .string(session.csrfToken)), ("user", .object([
                    ("id", .string(session.user.id)), ("username", .string(session.user.username)), ("role", .string(session.user.role)),
                ]))]
            default:
                fields.append(("auth", .string("api_token")))
            }
            return JSONResponse.make(.object(fields))
        }
        group.post("admin/policy/reload") { _, context in
            _ = try context.requireAccount()
            do {
                let policy = try await runtime.reload()
                return JSONResponse.make(.object([("policy_name", .string(policy.name)), ("policy_version", .int(policy.version))]))
            } catch let error as PolicyInvalid {
                var failure = APIError(.unprocessableContent, "policy_invalid",
                                       "the policy file has \(error.issues.errors.count) error(s); the previous policy stays in force")
                failure.details = [("issues", .array(error.issues.errors.map { .object([
                    ("code", .string($0.code.rawValue)), ("line", .int($0.line)), ("message", .string($0.message)),
                ]) }))]
                throw failure
            } catch let error as APIError {
                throw error
            } catch {
                throw APIError(.unprocessableContent, "policy_unreadable", "the policy could not be read; the previous policy stays in force")
            }
        }
        group.post("audit/verify") { _, context in
            _ = try context.requireAccount()
            guard let audit = runtime.audit else {
                throw APIError(.notFound, "audit_disabled", "this server keeps no audit log (audit.log_events is off)")
            }
            let outcome: AuditChainVerifier.Outcome
            do {
                outcome = try await audit.verify(expectedRoot: nil)
            } catch let error as AuditLogError {
                guard case .cannotOpen = error else { throw error }
                throw APIError(.notFound, "audit_log_missing", "the audit log does not exist yet; it is created with the first event")
            }
            return JSONResponse.make(.object([
                ("holds", .bool(outcome.holds)), ("records", .int(outcome.records)), ("root", .string(outcome.root)),
                ("start", .string(outcome.start)),
                ("first_break", outcome.firstBreak.map { .object([("line", .int($0.line)), ("reason", .string($0.reason))]) } ?? .null),
            ]))
        }
    }
}
