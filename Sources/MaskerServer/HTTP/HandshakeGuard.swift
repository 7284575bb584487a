import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// A connection's place under the per-address cap (`ConnectionCap`) and a deadline for its first
/// request head, put in front of a server channel that reads that head before any handler of ours
/// is added (an HTTP/1 pipeline that can upgrade to a WebSocket). Both act on raw bytes; the guard
/// leaves the pipeline once the head has arrived, the cap's slot stays for the connection's life.
struct HandshakeGuard<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base
    let cap: ConnectionCap
    let deadline: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers([ConnectionCap.Slot(cap), HeadDeadline(deadline)])
        }.flatMap { base.setup(channel: channel, logger: logger) }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Closes a connection whose first request head has not fully arrived (its blank line) within the
/// deadline, or has grown past `maxHeadBytes`; then steps out of the pipeline.
final class HeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    static let maxHeadBytes = 64 * 1024
    private let deadline: Duration
    private var timer: Scheduled<Void>?
    /// The last bytes seen, so a blank line cut between two reads is still found.
    private var tail: [UInt8] = []
    private var seen = 0

    init(_ deadline: Duration) { self.deadline = deadline }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: TimeAmount(deadline)) { loopBound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        seen += buffer.readableBytes
        let bytes = tail + buffer.readableBytesView
        let ended = bytes.count >= 4 && (0...(bytes.count - 4)).contains { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }
        tail = Array(bytes.suffix(3))
        context.fireChannelRead(data)
        if ended {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } else if seen > Self.maxHeadBytes {
            context.close(promise: nil)
        }
    }
}
