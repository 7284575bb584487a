import Foundation
import Hummingbird
import Logging
import MaskerCore
import MaskerServer
import NIOCore
import Synchronization
import Testing

/// Each turn's stages reach an OTLP/HTTP collector as spans, with kinds and counts and never a
/// value said: a stand-in collector records what the exporter posts to `/v1/traces`.
@Suite(.serialized)
struct TurnTracingTests {
    /// Takes OTLP/HTTP trace exports and keeps their bodies (protobuf: span names and attribute
    /// strings are in them as UTF-8).
    final class Collector: Sendable {
        final class Bodies: Sendable { let value = Mutex<[[UInt8]]>([]) }
        let bodies = Bodies()
        let port: Int
        private let task: Task<Void, any Error>

        init() async throws {
            let router = Router()
            let bodies = self.bodies
            router.post("v1/traces") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 16 << 20)
                bodies.value.withLock { $0.append(Array(body.readableBytesView)) }
                return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init())
            }
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
                                  logger: Logger(label: "collector", factory: { _ in SwiftLogNoOpLogHandler() }))
            task = Task { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            port = await iterator.next() ?? 0
        }

        var received: String { bodies.value.withLock { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") } }

        func stop() async {
            task.cancel()
            _ = await task.result
        }
    }

    @Test func everyStageIsASpanWithCountsAndNoValue() async throws {
        let collector = try await Collector()
        let upstream = try await FakeUpstream()
        let server = try await TestServer {
            $0.openAIBaseURL = upstream.baseURL
            $0.tracesEndpoint = "http://127.0.0.1:\(collector.port)/v1/traces"
        }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("traced")), ("upstream", .string("openai:fake-model"))]), token: token)
        let said = "this is priya reyes, my number is 415-555-2671"
        for stream in [false, true] {
            let body = JSONValue.object([("messages", .array([.object([("role", .string("user")), ("content", .string(said))])])),
                                         ("stream", .bool(stream))])
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: body)
            #expect(reply.status == 200, "\(reply.text)")
        }
        let responses = try await server.call(.POST, "/proxy/\(agent)/v1/responses", json: .object([("input", .string(said))]))
        #expect(responses.status == 200)
        // The batch processor exports about once a second.
        let deadline = ContinuousClock.now + .seconds(10)
        while !(collector.received.contains("masker.stream") && collector.received.contains("responses")), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let exported = collector.received
        for name in ["masker.turn", "masker.mask", "masker.commit", "masker.upstream", "masker.rehydrate", "masker.record", "masker.stream",
                     "chat_completions", "responses", "masker.front_door", "masker.spans.PHONE", "masker.spans.NAME", "masker.texts", agent] {
            #expect(exported.contains(name), "no \(name) among the exported spans")
        }
        for value in ["priya", "reyes", "415-555-2671", "4155552671", "MSKV1"] {
            #expect(!exported.lowercased().contains(value.lowercased()), "\(value) was exported")
        }
        try await server.stop()
        await upstream.stop()
        await collector.stop()
    }
}
