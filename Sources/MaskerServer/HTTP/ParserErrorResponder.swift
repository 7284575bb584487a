import HTTPTypes
import MaskerCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser rejects (a bad Content-Length, a NUL in a header, an HTTP/2
/// preface on this HTTP/1 port…) with the same JSON error envelope as every other error, where
/// Hummingbird answers 400 with an empty body. Sits after the decoder (`additionalChannelHandlers`)
/// and sees the error before Hummingbird does. When a response is already under way on the
/// connection, a second one cannot be written: the error goes on to Hummingbird, which closes the
/// connection (docs/server.md says so).
final class ParserErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests read whose answers have not ended.
    private var unanswered = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        var body = ByteBuffer()
        body.writeBytes(Self.body(parserError))
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: "application/json", .contentLength: String(body.readableBytes), .connection: "close",
        ])
        unanswered = 1 // nothing else is written on this connection
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        // Closed once the answer is written; the channel (Sendable) rather than the context, as
        // ClientDeadlines closes it.
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// OpenAI's error shape, as `APIError` writes it; the parser's reason names the problem, never
    /// the bytes that caused it.
    static func body(_ error: HTTPParserError) -> [UInt8] {
        let message = "the request is not valid HTTP/1.1 (\(reason(error))); send one request with well-formed headers"
        return JSONValue.object([("error", .object([
            ("code", .string("invalid_http")), ("message", .string(message)), ("type", .string("invalid_request_error")), ("param", .null),
        ]))]).serializedBytes()
    }

    static func reason(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidContentLength, .unexpectedContentLength: "bad Content-Length"
        case .invalidHeaderToken, .invalidCharactersUsed, .strictModeAssertion, .lfExpected: "a header holds a character HTTP does not allow"
        case .headerOverflow: "the headers are too large"
        case .invalidMethod: "unknown method (an HTTP/2 preface on this HTTP/1.1 port?)"
        case .invalidVersion: "unknown HTTP version"
        case .invalidURL, .invalidHost, .invalidPort, .invalidPath, .invalidQueryString, .invalidFragment: "bad request target"
        case .invalidChunkSize, .invalidEOFState, .closedConnection: "bad or truncated chunked body"
        default: "malformed request line or headers; an HTTP/2 preface on this HTTP/1.1 port is one"
        }
    }
}
