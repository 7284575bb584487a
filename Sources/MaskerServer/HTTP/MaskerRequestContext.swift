import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// Per-request state: the request id every response and log line carries, and the account the
/// caller authenticated as (nil until `AccountAuthenticator` ran).
public struct MaskerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var account: Account?

    public init(source: Source) {
        coreContext = .init(source: source)
        requestID = RequestIDs.next()
        account = nil
    }

    /// The authenticated account, or 401.
    func requireAccount() throws -> Account {
        guard let account else { throw APIError.unauthorized }
        return account
    }
}

/// `req_` ids, sortable like every other id.
enum RequestIDs {
    private static let generator = SharedSortableIDGenerator()

    static func next() -> String { generator.next(prefix: "req") }
}

/// Turns thrown `APIError`s (and anything else) into the error envelope, sets `X-Request-Id`,
/// and logs one line per request: method, route, status, duration — never a body or a header
/// value that could carry PHI or a key.
struct ErrorEnvelopeMiddleware: RouterMiddleware {
    typealias Context = MaskerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = error.response(requestID: context.requestID)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : (error.status == .methodNotAllowed ? "method_not_allowed" : "bad_request")
            let message = error.status == .notFound ? "no such route; see docs/server.md for the API" : "the request was not understood (\(error.status.code))"
            response = APIError(error.status, code, message).response(requestID: context.requestID)
        } catch {
            context.logger.error("unhandled error: \(String(describing: type(of: error)))")
            response = APIError(.internalServerError, "internal_error", "the server failed on this request; see its log").response(requestID: context.requestID)
        }
        response.headers[.init("X-Request-Id")!] = context.requestID
        let elapsed = ContinuousClock.now - started
        context.logger.info("request", metadata: [
            "request_id": .string(context.requestID), "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "unmatched"), "status": .stringConvertible(response.status.code),
            "ms": .stringConvertible(elapsed.milliseconds.rounded()),
        ])
        return response
    }
}

/// Resolves `Authorization: Bearer <token>` to its account. Routes that need one call
/// `context.requireAccount()`.
struct AccountAuthenticator: RouterMiddleware {
    typealias Context = MaskerRequestContext
    let store: ServerStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            do {
                context.account = try store.account(forToken: secret)
            } catch {
                throw APIError(.serviceUnavailable, "db_unavailable", "the server database is unavailable; see the server log")
            }
        }
        return try await next(request, context)
    }
}
