import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Drops clients that are too slow: a connection that goes `idle` without a complete request head
/// (from when it opens, or from its last answer's end), or a request whose body does not arrive
/// within `body` of its head. A head sent a byte a second, a body never finished, and an idle
/// keep-alive connection each held a connection (and a file descriptor) for as long as the client
/// liked, and 500 of them stayed open.
///
/// Why our own handler: Hummingbird's `idleTimeout` resets on every body part, so a body sent a
/// byte at a time never trips it. This sits after the HTTP decoder (Hummingbird's
/// `additionalChannelHandlers`), sees the request's parts and the answer's end, and closes the
/// channel when a deadline passes; a handler still waiting for the body then fails as for a
/// client that hung up.
final class ClientDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let idle: TimeAmount
    private let body: TimeAmount
    private var timer: Scheduled<Void>?
    /// A request's head has arrived and its end not yet.
    private var reading = false
    /// Requests read whose answers have not ended.
    private var unanswered = 0

    init(idle: Duration, body: Duration) {
        self.idle = .nanoseconds(Int64(idle.components.seconds) * 1_000_000_000 + idle.components.attoseconds / 1_000_000_000)
        self.body = .nanoseconds(Int64(body.components.seconds) * 1_000_000_000 + body.components.attoseconds / 1_000_000_000)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(idle, context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(idle, context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            unanswered += 1
            arm(body, context)
        case .end:
            reading = false
            disarm() // the answer takes as long as the model does: MASKER_UPSTREAM_TIMEOUT_MS bounds it
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered -= 1
            if unanswered <= 0, !reading { arm(idle, context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ delay: TimeAmount, _ context: ChannelHandlerContext) {
        disarm()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: delay) { channel.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
