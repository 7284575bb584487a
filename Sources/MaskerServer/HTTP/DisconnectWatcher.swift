import Hummingbird
import HummingbirdCore
import NIOCore

/// Notices a client that hangs up while its request is still being served.
///
/// Hummingbird does not cancel a handler when the connection drops (it allows half-closed
/// connections and only finds out on the next write), so a non-streaming proxy call would keep
/// waiting for — and paying for — a model answer nobody will read. This handler sits in each
/// connection's pipeline and completes `disconnected` when the client closes its side or the
/// connection ends; the proxy races its upstream call against it.
final class DisconnectWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private var promise: EventLoopPromise<Void>?

    init() {}

    func handlerAdded(context: ChannelHandlerContext) {
        promise = context.eventLoop.makePromise(of: Void.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise?.succeed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { promise?.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.succeed()
        context.fireChannelInactive()
    }

    /// The future of the watcher in `channel`'s pipeline, or nil when there is none (a server
    /// built without it, as in unit tests of routes).
    static func disconnected(on channel: any Channel) async -> EventLoopFuture<Void>? {
        try? await channel.eventLoop.submit { () throws -> EventLoopFuture<Void>? in
            try channel.pipeline.syncOperations.handler(type: DisconnectWatcher.self).promise?.futureResult
        }.get()
    }
}

/// Thrown when the client went away before the answer was ready.
struct ClientDisconnected: Error {}

/// Runs `body`, cancelling it and throwing `ClientDisconnected` if `disconnected` completes first.
func cancellingOnDisconnect<T: Sendable>(_ disconnected: EventLoopFuture<Void>?,
                                         _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    guard let disconnected else { return try await body() }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            // Waits for the future, but gives up when cancelled (EventLoopFuture.get() would not).
            let stream = AsyncStream<Void> { continuation in
                disconnected.whenComplete { _ in continuation.yield(); continuation.finish() }
            }
            for await _ in stream { return nil }
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            if Task.isCancelled { throw CancellationError() }
            throw ClientDisconnected()
        }
        return value
    }
}
