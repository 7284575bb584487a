// The floor under Masker's added latency: a proxy built from the same parts as `masker serve`
// (Hummingbird 2's HTTP/1 server, async-http-client with the same wide pool and the same
// future-based call on the caller's event loop) that does nothing but forward. Each turn's body
// is read, sent upstream unchanged, and the answer returned unchanged: no JSON, no detection, no
// vault, no audit. What it adds over calling the upstream directly is what the stack costs before
// Masker does any of its own work, so `scripts/load-test.sh` runs it beside Masker and
// docs/performance.md compares the two against issue 8's 1 ms.
//
// Usage: proxy-floor LISTEN_PORT UPSTREAM_URL (e.g. 18483 http://127.0.0.1:18481/v1/chat/completions)
import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]) else {
    print("usage: proxy-floor LISTEN_PORT UPSTREAM_URL")
    exit(64)
}
let upstreamURL = arguments[2]

var clientConfiguration = HTTPClient.Configuration()
clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1024
let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)

/// The connection's event loop, which the upstream call prefers, as Masker's context carries it.
struct FloorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    init(source: Source) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

let router = Router(context: FloorContext.self)
router.post("/v1/chat/completions") { request, context -> Response in
    let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "application/json")
    let outgoing = try HTTPClient.Request(url: upstreamURL, method: .POST, headers: headers, body: .byteBuffer(body))
    let eventLoop = context.channel.eventLoop
    let preference: HTTPClient.EventLoopPreference = client.eventLoopGroup.makeIterator().contains { $0 === eventLoop }
        ? .delegate(on: eventLoop) : .indifferent
    let answer = try await client.execute(request: outgoing, delegate: ResponseAccumulator(request: outgoing),
                                          eventLoop: preference, logger: nil).futureResult.get()
    return Response(status: .init(code: Int(answer.status.code)), headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: answer.body ?? ByteBuffer()))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "proxy-floor"))
try await app.runService()
try await stop(client)

/// Its own function so that the async `shutdown()` is chosen over the one returning a future.
func stop(_ client: HTTPClient) async throws { try await client.shutdown() }
