import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import MaskerCore
@testable import MaskerServer
import MaskerStore
import MaskerTestSupport
import NIOCore
import Synchronization

/// A real `masker serve` stack on a loopback port (port 0: the kernel picks), built in a scratch
/// directory with development keys, plus helpers to call it.
final class TestServer: @unchecked Sendable {
    let scratch: ScratchDirectory
    let port: Int
    /// Retell's WebSocket listener, when the configuration asks for one.
    let retellPort: Int?
    let store: any ServerStore
    let auditPath: String
    let logs: LogCapture
    private let task: Task<Void, any Error>
    /// The process-wide client: a test that fails half-way cannot leave one un-shut-down (which
    /// async-http-client punishes with a crash that hides the real failure).
    var client: HTTPClient { HTTPClient.shared }

    /// Where the server keeps its records: the SQLite default, or a throwaway schema of the test
    /// PostgreSQL server.
    enum Database: String, CaseIterable, Sendable { case sqlite, postgres }

    /// Replicas of one deployment: one key ring and one PostgreSQL schema holding the vault, the
    /// server's records and the audit chain, which each replica opens for itself.
    struct Deployment: Sendable {
        let keyRing: KeyRing
        let schema: String
        let auditKey = SymmetricKey(size: .bits256)

        init(policy: Policy = .healthcareDefault) throws {
            let keys = try ScratchDirectory()
            (keyRing, _) = try KeyRingLoader(environment: ["MASKER_DEV": "1"], dataDirectory: DataDirectory(url: keys.url))
                .load(requiredKids: [policy.kid], generateMissing: true, logger: Logger(label: "test"))
            schema = TestPostgres.freshSchema("masker_rep")
        }
    }

    /// Set for a replica of a `Deployment`: the deployment's schema outlives each replica.
    private let sharesSchema: Bool

    init(configure: (inout ServerConfiguration) -> Void = { _ in }, policy: Policy = .healthcareDefault,
         database: Database = .sqlite, vault givenVault: (any VaultStore)? = nil, loader: (@Sendable () throws -> Policy)? = nil,
         auditLogFails: Bool = false, signsReports: Bool = true, replicaOf deployment: Deployment? = nil) async throws {
        scratch = try ScratchDirectory()
        let dataDirectory = DataDirectory(url: scratch.url)
        logs = LogCapture()
        let logger = logs.logger
        sharesSchema = deployment != nil
        let ring = try deployment?.keyRing ?? KeyRingLoader(environment: ["MASKER_DEV": "1"], dataDirectory: dataDirectory)
            .load(requiredKids: [policy.kid], generateMissing: true, logger: logger).0
        auditPath = scratch.url.appendingPathComponent("audit.jsonl").path
        let vault: any VaultStore
        let audit: any AuditStore
        if let deployment {
            let url = try TestPostgres.url()
            vault = try await PostgresVaultStore(url: url, schema: deployment.schema)
            audit = try await PostgresAuditLog(url: url, schema: deployment.schema, key: deployment.auditKey, logger: logger)
            store = try await PostgresServerStore(url: url, schema: deployment.schema)
        } else {
            vault = try givenVault ?? SQLiteVaultStore(path: scratch.url.appendingPathComponent("vault.sqlite").path)
            // A log on a full disk: every append fails.
            if auditLogFails { try FileManager.default.createSymbolicLink(atPath: auditPath, withDestinationPath: "/dev/full") }
            audit = try AuditLog(path: auditPath, key: SymmetricKey(size: .bits256), logger: logger)
            switch database {
            case .sqlite: store = try SQLiteServerStore(path: scratch.url.appendingPathComponent("server.sqlite").path)
            case .postgres: store = try await PostgresServerStore(url: try TestPostgres.url(), schema: TestPostgres.freshSchema("masker_srv"))
            }
        }
        var configuration = ServerConfiguration()
        configuration.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configure(&configuration)
        let runtime = MaskingRuntime(policy: policy, loader: loader ?? { policy }, keyRing: ring, devMode: true, vault: vault, audit: audit, logger: logger)
        let dependencies = ServerDependencies(runtime: runtime, store: store, configuration: configuration, logger: logger,
                                              reportSigningKey: signsReports ? Curve25519.Signing.PrivateKey() : nil)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let (retellPorts, retellContinuation) = AsyncStream<Int>.makeStream()
        task = Task {
            try await MaskerServerApp.run(dependencies, onReady: { port in continuation.yield(port) },
                                          onRetellReady: { port in retellContinuation.yield(port) })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("server did not start") }
        self.port = port
        if configuration.retellListen != nil {
            var retellIterator = retellPorts.makeAsyncIterator()
            retellPort = await retellIterator.next()
        } else {
            retellPort = nil
        }
    }

    func stop() async throws {
        task.cancel()
        _ = await task.result
        if !sharesSchema, let postgres = store as? PostgresServerStore { try? await postgres.dropSchema() }
        await store.close()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// An admin token for a new (or existing) account.
    func token(account: String = "admin") async throws -> String {
        try await store.issueToken(accountID: store.account(named: account).id)
    }

    /// A user who can log in. Hashed with cheap scrypt settings (the settings travel in the hash), so
    /// the suite does not spend seconds on key stretching.
    func createUser(_ username: String, password: String, account: String = "admin", role: String = "admin") async throws {
        let owner = try await store.account(named: account)
        try await store.createUser(User(id: ServerIDs.next("usr"), accountID: owner.id, username: username, role: role, createdAt: Date()),
                                   passwordHash: PasswordHasher(logRounds: 10, blockSize: 8, parallelism: 1).hash(password))
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    }

    enum Method: String { case GET, POST, PATCH, DELETE }

    /// `bytes`: a body of any type, its Content-Type in `headers`.
    func call(_ method: Method, _ path: String, json: JSONValue? = nil, raw: String? = nil, bytes: [UInt8]? = nil, token: String? = nil,
              headers: [String: String] = [:], timeout: TimeAmount = .seconds(30), via caller: HTTPClient? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method.rawValue)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let bytes {
            request.body = .bytes(ByteBuffer(bytes: bytes))
        } else if let body = raw ?? json?.serialized() {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await (caller ?? client).execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: fields, body: Array(body.readableBytesView))
    }

    func createAgent(_ body: JSONValue, token: String) async throws -> String {
        let reply = try await call(.POST, "/api/v1/agents", json: body, token: token)
        guard reply.status == 201, let id = reply.json["id"]?.stringValue else { throw TestFailure("agent not created: \(reply.text)") }
        return id
    }
}

/// An OpenAI-compatible upstream started by the tests: it records every byte it receives and
/// answers like `stub` (echoing the last user message, or calling the first tool with it), as a
/// whole answer or as server-sent events in 5-byte pieces. `mode` makes it fail or stall, or hold
/// every request until `count` are open at once (up to 10 s), as a model does that is slow to answer.
final class FakeUpstream: @unchecked Sendable {
    enum Mode: Sendable {
        case echo, fail(Int), stall, holdUntilConcurrent(Int)
        /// Echoes as `.echo` does, a streamed answer's events this far apart (a model still talking).
        case echoSlowly(Duration)
        /// Answers with what the closure makes of the request's body: a content type and a body
        /// (a scripted answer that carries the request's tokens in fields of the test's choosing).
        case script(@Sendable (String) -> (contentType: String, body: String))
    }

    /// Requests being answered now, and the most there ever were at once.
    let inFlight = Mutex<(now: Int, peak: Int)>((0, 0))
    let received = Mutex<[[UInt8]]>([])
    let authorizations = Mutex<[String]>([])
    /// Each request's path, query and `api-key` header.
    let paths = Mutex<[(path: String, query: String?, apiKey: String?)]>([])
    let mode: Mode
    let port: Int
    private let task: Task<Void, any Error>

    init(mode: Mode = .echo) async throws {
        self.mode = mode
        let router = Router()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let holder = Holder()
        // Chat completions, the Responses API, and Azure OpenAI's deployment route (which the fake
        // serves under the same host: it records each request's path, query and `api-key`).
        let routes = ["v1/chat/completions", "v1/responses", "openai/deployments/{deployment}/chat/completions", "openai/responses"]
        for route in routes { router.post(RouterPath(route)) { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
            holder.upstream?.paths.withLock { $0.append((request.uri.path, request.uri.query, request.headers[.init("api-key")!])) }
            let responses = request.uri.path.hasSuffix("/responses")
            let bytes = Array(body.readableBytesView)
            holder.upstream?.received.withLock { $0.append(bytes) }
            holder.upstream?.authorizations.withLock { $0.append(request.headers[.authorization] ?? "") }
            switch mode {
            case let .fail(status):
                return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: "{\"error\":{\"message\":\"boom\"}}")))
            case .stall:
                try await Task.sleep(for: .seconds(5))
                return Response(status: .ok)
            case let .echoSlowly(gap):
                let request = try JSONParser.parse(bytes)
                guard request["stream"] == .bool(true) else { return FakeUpstream.echo(request) }
                let events = FakeUpstream.echoEvents(request)
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init { writer in
                    for event in events {
                        try await writer.write(ByteBuffer(string: event))
                        try await Task.sleep(for: gap)
                    }
                    try await writer.finish(nil)
                })
            case .echo:
                return responses ? FakeUpstream.echoResponses(try JSONParser.parse(bytes)) : FakeUpstream.echo(try JSONParser.parse(bytes))
            case let .script(answer):
                let (type, body) = answer(String(decoding: bytes, as: UTF8.self))
                return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
            case let .holdUntilConcurrent(count):
                guard let upstream = holder.upstream else { return Response(status: .serviceUnavailable) }
                upstream.inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
                defer { upstream.inFlight.withLock { $0.now -= 1 } }
                let deadline = ContinuousClock.now + .seconds(10)
                while upstream.inFlight.withLock({ $0.peak }) < count, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                return FakeUpstream.echo(try JSONParser.parse(bytes))
            }
        } }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
                              logger: Logger(label: "fake-upstream", factory: { _ in SwiftLogNoOpLogHandler() }))
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
        holder.upstream = self
    }

    final class Holder: @unchecked Sendable { weak var upstream: FakeUpstream? }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    /// The server itself, as an Azure OpenAI endpoint is named.
    var root: String { "http://127.0.0.1:\(port)" }
    var receivedText: String { received.withLock { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") } }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// A Responses API answer echoing the request, as the stub upstream makes it (`StubResponses`).
    static func echoResponses(_ request: JSONValue) -> Response {
        let (type, body) = StubResponses.answer(request, stream: request["stream"] == .bool(true), model: request["model"]?.stringValue ?? "")
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// What an echo answers with: the last user message's text, the first tool offered (unless
    /// `tool_choice` is "none"), and a call of it whose `text` argument is that message.
    static func echoed(_ request: JSONValue) -> (prompt: String, tool: String?, arguments: String) {
        var prompt = ""
        if case let .array(messages)? = request["messages"] {
            for message in messages where message["role"]?.stringValue == "user" { prompt = message["content"]?.stringValue ?? prompt }
        }
        let tool: String? = {
            guard request["tool_choice"]?.stringValue != "none", case let .array(tools)? = request["tools"], let first = tools.first else { return nil }
            return first["function"]?["name"]?.stringValue
        }()
        return (prompt, tool, JSONValue.object([("text", .string(prompt))]).serialized())
    }

    static func echo(_ request: JSONValue) -> Response {
        let (prompt, tool, arguments) = echoed(request)
        if request["stream"] != .bool(true) {
            let message: JSONValue = tool.map { name in
                .object([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([.object([
                    ("id", .string("call_1")), ("type", .string("function")),
                    ("function", .object([("name", .string(name)), ("arguments", .string(arguments))])),
                ])]))])
            } ?? .object([("role", .string("assistant")), ("content", .string("You said: " + prompt))])
            let body = JSONValue.object([
                ("id", .string("chatcmpl-fake")), ("object", .string("chat.completion")), ("created", .int(1)), ("model", request["model"] ?? .null),
                ("choices", .array([.object([("index", .int(0)), ("message", message), ("finish_reason", .string(tool == nil ? "stop" : "tool_calls"))])])),
            ])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body.serialized())))
        }
        let buffers = echoEvents(request).map { ByteBuffer(string: $0) }
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(contentsOf: buffers))
    }

    /// A streamed echo's server-sent events, `[DONE]` last.
    static func echoEvents(_ request: JSONValue) -> [String] {
        let (prompt, tool, arguments) = echoed(request)
        func chunk(_ delta: JSONValue, _ finish: String? = nil) -> String {
            let value = JSONValue.object([
                ("id", .string("chatcmpl-fake")), ("object", .string("chat.completion.chunk")), ("created", .int(1)), ("model", request["model"] ?? .null),
                ("choices", .array([.object([("index", .int(0)), ("delta", delta), ("finish_reason", finish.map(JSONValue.string) ?? .null)])])),
            ])
            return "data: \(value.serialized())\n\n"
        }
        var events: [String] = []
        let text = tool == nil ? "You said: " + prompt : arguments
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = []
        var index = 0
        while index < scalars.count {
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[index..<min(index + 5, scalars.count)])
            pieces.append(String(piece))
            index += 5
        }
        if let tool {
            events.append(chunk(.object([("role", .string("assistant")), ("tool_calls", .array([.object([
                ("index", .int(0)), ("id", .string("call_1")), ("type", .string("function")),
                ("function", .object([("name", .string(tool)), ("arguments", .string(""))])),
            ])]))])))
            for piece in pieces {
                events.append(chunk(.object([("tool_calls", .array([.object([("index", .int(0)), ("function", .object([("arguments", .string(piece))]))])]))])))
            }
            events.append(chunk(.object([]), "tool_calls"))
        } else {
            events.append(chunk(.object([("role", .string("assistant")), ("content", .string(""))])))
            for piece in pieces { events.append(chunk(.object([("content", .string(piece))]))) }
            events.append(chunk(.object([]), "stop"))
        }
        events.append("data: [DONE]\n\n")
        return events
    }
}
