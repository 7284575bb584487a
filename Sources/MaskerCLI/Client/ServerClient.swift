import AsyncHTTPClient
import Foundation
import MaskerCore
import NIOCore
import NIOHTTP1

/// The `masker` commands that talk to a running server (`agents`, `sessions`) go through this:
/// the server from `--server`, `MASKER_SERVER` or the config (default http://127.0.0.1:8080), the
/// API token from `MASKER_API_TOKEN` or the config's `api_token`. Failures map to the documented
/// exit codes: 4 when the server refuses the credential, 5 when it cannot be reached.
struct ServerClient {
    let baseURL: String
    let token: String
    let timeout: TimeAmount = .seconds(30)

    init(_ context: CommandContext) throws(CLIFailure) {
        let server = context.options.server ?? context.environment["MASKER_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? context.config.server
            ?? "http://127.0.0.1:8080"
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw CLIFailure(.usage, "the server URL \"\(server)\" is not an http(s) URL; pass --server http://HOST:PORT or set MASKER_SERVER")
        }
        baseURL = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let token = context.environment["MASKER_API_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) ?? context.config.apiToken else {
            throw CLIFailure(.auth, "no API token; set MASKER_API_TOKEN (or api_token in the config file) to one printed by `masker admin token` on the server")
        }
        self.token = token
    }

    enum Method: String { case GET, POST, PATCH, DELETE }

    /// The JSON answer of a 2xx response (`.null` for 204); any other status throws a `CLIFailure`
    /// carrying the server's own message.
    func call(_ method: Method, _ path: String, body: JSONValue? = nil) async throws(CLIFailure) -> JSONValue {
        let client = Self.client
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.serialized()))
        }
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = Int(response.status.code)
            bytes = Array(try await response.body.collect(upTo: 64 * 1024 * 1024).readableBytesView)
        } catch {
            throw CLIFailure(.serverUnreachable,
                             "cannot reach the Masker server at \(baseURL) (\(Self.reason(error))); is `masker serve` running? set --server or MASKER_SERVER")
        }
        let json = bytes.isEmpty ? JSONValue.null : ((try? JSONParser.parse(bytes)) ?? .null)
        guard (200..<300).contains(status) else { throw Self.failure(status: status, json: json) }
        return json
    }

    /// One client for the command's life. Connection attempts are not retried: a refused
    /// connection must be exit 5 at once, not after the request deadline.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func failure(status: Int, json: JSONValue) -> CLIFailure {
        let code = json["error"]?["code"]?.stringValue ?? "http_\(status)"
        var message = json["error"]?["message"]?.stringValue ?? "the server answered HTTP \(status)"
        if case let .array(issues)? = json["error"]?["issues"] {
            for issue in issues {
                message += "\n  line \(issue["line"]?.intValue ?? 0): \(issue["code"]?.stringValue ?? "") \(issue["message"]?.stringValue ?? "")"
            }
        }
        let exit: CLIExitCode = (status == 401 || status == 403) ? .auth : (code == "policy_invalid" ? .policyInvalid : .error)
        return CLIFailure(exit, "\(message) [\(code), HTTP \(status)]")
    }

    private static func reason(_ error: Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout || error == .deadlineExceeded { return "no answer in time" }
            return "\(error)"
        }
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        return String(describing: type(of: error))
    }
}
