import Foundation
import Hummingbird
import Logging
import MaskerCore
import NIOCore
import Synchronization

/// An OpenAI-compatible "gemma" server the tests start on loopback. In `.names` mode it plays a
/// model that knows some names: for each item of the prompt it reports every listed name the item
/// contains, and, like a real model on a bad day, one name that is in no item and one with a wrong
/// offset (both must be dropped). The other modes fail the ways an endpoint fails;
/// `.recovering` answers its first `failures` requests with HTTP 500, then as `.names`.
final class FakeGemmaEndpoint: @unchecked Sendable {
    enum Mode: Sendable { case names([String]), stall, fail(Int), prose, recovering(failures: Int, names: [String]) }

    final class Recorded: Sendable { let bodies = Mutex<[JSONValue]>([]) }

    private let recorded = Recorded()
    let port: Int
    private let task: Task<Void, any Error>

    init(_ mode: Mode) async throws {
        let router = Router()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let log = recorded
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = try JSONParser.parse(Array(try await request.body.collect(upTo: 4 * 1024 * 1024).readableBytesView))
            let received = log.bodies.withLock { $0.append(body); return $0.count }
            switch mode {
            case .stall:
                try await Task.sleep(for: .seconds(5))
                return Response(status: .ok)
            case let .fail(status):
                return Response(status: .init(code: status))
            case .prose:
                return Self.completion("I'm sorry, I can't share personal information.")
            case let .names(names):
                return Self.completion(Self.spans(for: body, names: names).serialized())
            case let .recovering(failures, names):
                guard received > failures else { return Response(status: .internalServerError) }
                return Self.completion(Self.spans(for: body, names: names).serialized())
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
                              logger: Logger(label: "fake-gemma", factory: { _ in SwiftLogNoOpLogHandler() }))
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var requests: [JSONValue] { recorded.bodies.withLock { $0 } }
    var requestCount: Int { requests.count }

    /// The items of every prompt received, in order.
    var itemsAsked: [[String]] {
        requests.map { body in
            guard case let .array(messages)? = body["messages"], let user = messages.last?["content"]?.stringValue,
                  case let .array(items)? = (try? JSONParser.parse(user))?["items"] else { return [] }
            return items.compactMap { $0["text"]?.stringValue }
        }
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    static func spans(for body: JSONValue, names: [String]) -> JSONValue {
        guard case let .array(messages)? = body["messages"], let user = messages.last?["content"]?.stringValue,
              case let .array(items)? = (try? JSONParser.parse(user))?["items"] else { return .object([("spans", .array([]))]) }
        var spans: [JSONValue] = []
        for item in items {
            guard let number = item["item"]?.intValue, let text = item["text"]?.stringValue?.lowercased() else { continue }
            for name in names where text.contains(name.lowercased()) {
                spans.append(.object([("item", .int(number)), ("kind", .string("NAME")), ("text", .string(name))]))
                spans.append(.object([("item", .int(number)), ("kind", .string("NAME")), ("text", .string(name)), ("start", .int(10_000))]))
            }
        }
        spans.append(.object([("item", .int(0)), ("kind", .string("NAME")), ("text", .string("Invented Person"))]))
        return .object([("spans", .array(spans))])
    }

    static func completion(_ content: String) -> Response {
        let body = JSONValue.object([
            ("id", .string("chatcmpl-gemma")), ("object", .string("chat.completion")), ("created", .int(1)), ("model", .string("gemma-fake")),
            ("choices", .array([.object([("index", .int(0)), ("message", .object([("role", .string("assistant")), ("content", .string(content))])),
                                         ("finish_reason", .string("stop"))])])),
        ])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body.serialized())))
    }
}
