import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import MaskerCore
import MaskerStore

/// Per-request state: the request id every response and log line carries, and who the caller
/// authenticated as (nil until `AccountAuthenticator` ran).
public struct MaskerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var account: Account?
    public var credential: Credential?
    public var remoteAddress: SocketAddress?
    /// The connection, so the proxy can notice a client that hangs up (`DisconnectWatcher`).
    public let channel: any Channel

    /// How the caller proved who it is.
    public enum Credential: Sendable {
        /// `Authorization: Bearer mk_…` (the CLI, automation): no CSRF check, browsers never send it by themselves.
        case apiToken
        /// The `masker_session` cookie of a logged-in user; writes must echo its CSRF token.
        case login(LoginSession)
    }

    public init(source: Source) {
        coreContext = .init(source: source)
        requestID = RequestIDs.next()
        account = nil
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
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

/// Resolves the caller to an account: `Authorization: Bearer <token>` first, else the
/// `masker_session` cookie. Routes that need one call `context.requireAccount()`.
///
/// Cookie-authenticated writes (anything but GET, HEAD, OPTIONS) must carry the session's CSRF
/// token in `X-CSRF-Token`, or get 403 `csrf_failed`: a browser sends the cookie along with a
/// forged cross-site form post, but the other site cannot read the token to add it.
struct AccountAuthenticator: RouterMiddleware {
    typealias Context = MaskerRequestContext
    let store: any ServerStore

    static let cookieName = "masker_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
                let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
                context.account = try await store.account(forToken: secret)
                if context.account != nil { context.credential = .apiToken }
            } else if let session = try await Self.loginSession(of: request, store: store) {
                if ![.get, .head, .options].contains(request.method), request.uri.path != "/api/v1/auth/login" {
                    guard Self.tokensMatch(request.headers[Self.csrfHeader] ?? "", session.csrfToken) else {
                        throw APIError(.forbidden, "csrf_failed",
                                       "this write came with the session cookie but without its CSRF token; send the csrf_token from the login answer (or /api/v1/me) as X-CSRF-Token")
                    }
                }
                context.account = session.account
                context.credential = .login(session)
            }
        } catch let error as ServerStoreError {
            throw APIError.databaseUnavailable(error)
        }
        return try await next(request, context)
    }

    /// The log-in session the request's `masker_session` cookie names, if it is valid now: the
    /// API's and the portal's one way from a cookie to a session.
    static func loginSession(of request: Request, store: any ServerStore) async throws(ServerStoreError) -> LoginSession? {
        guard let cookie = request.cookies[cookieName]?.value, !cookie.isEmpty else { return nil }
        return try await store.loginSession(hash: ServerSecrets.hash(cookie), now: Date())
    }

    /// Whether a CSRF token sent with a write is the expected one, compared in constant time.
    static func tokensMatch(_ sent: String, _ expected: String) -> Bool {
        ConstantTime.equal(Array(sent.utf8), Array(expected.utf8))
    }
}
