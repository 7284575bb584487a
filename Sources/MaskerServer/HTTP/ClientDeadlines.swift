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
/// channel when a deadline passes (checked every quarter of the shorter limit, so a connection
/// goes at most that much later); a handler still waiting for the body then fails as for a client
/// that hung up.
final class ClientDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let idle: TimeAmount
    private let body: TimeAmount
    /// When the connection is closed unless something happens first; nil while an answer is
    /// being made (the model's time is bounded by `MASKER_UPSTREAM_TIMEOUT_MS`).
    private var deadline: NIODeadline?
    /// One check per `period` for the connection's whole life: moving the deadline on every
    /// request then costs no timer (scheduling one per request was ten heap allocations a turn).
    private let period: TimeAmount
    private var check: Scheduled<Void>?
    /// A request's head has arrived and its end not yet.
    private var reading = false
    /// Requests read whose answers have not ended.
    private var unanswered = 0

    init(idle: Duration, body: Duration) {
        self.idle = TimeAmount(idle)
        self.body = TimeAmount(body)
        // A deadline is enforced within a quarter of the shorter limit.
        period = .nanoseconds(max(TimeAmount(min(idle, body)).nanoseconds / 4, 10_000_000))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            unanswered += 1
            deadline = .now() + body
        case .end:
            reading = false
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered -= 1
            if unanswered <= 0, !reading { deadline = .now() + idle }
        }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard check == nil else { return }
        deadline = .now() + idle
        schedule(context)
    }

    private func schedule(_ context: ChannelHandlerContext) {
        let channel = context.channel
        check = context.eventLoop.assumeIsolated().scheduleTask(in: period) { [self] in
            if let deadline, deadline <= .now() {
                channel.close(promise: nil)
            } else if channel.isActive {
                schedule(context)
            }
        }
    }
}
