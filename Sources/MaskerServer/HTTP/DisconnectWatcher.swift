import Hummingbird
import HummingbirdCore
import NIOCore
import Synchronization

/// Notices a client that hangs up while its request is still being served.
///
/// Hummingbird does not cancel a handler when the connection drops (it allows half-closed
/// connections and only finds out on the next write), so a non-streaming proxy call would keep
/// waiting for — and paying for — a model answer nobody will read. This handler sits in each
/// connection's pipeline and fires its connection's `DisconnectSignal` when the client closes its
/// side or the connection ends; the proxy cancels its upstream call on that signal.
final class DisconnectWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private let signal = DisconnectSignal()

    /// Each open connection's signal, by channel identity: a handler finds its connection's signal
    /// with one lock, from any thread. Asking the channel's pipeline instead means a hop onto its
    /// event loop and back on every proxied turn.
    private static let signals = Mutex<[ObjectIdentifier: DisconnectSignal]>([:])

    init() {}

    func handlerAdded(context: ChannelHandlerContext) {
        let key = ObjectIdentifier(context.channel)
        Self.signals.withLock { $0[key] = signal }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        signal.fire()
        let key = ObjectIdentifier(context.channel)
        Self.signals.withLock { signals in
            if signals[key] === signal { signals[key] = nil }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { signal.fire() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        signal.fire()
        context.fireChannelInactive()
    }

    /// The signal of `channel`'s connection, or nil when its pipeline has no watcher (a server
    /// built without it, as in unit tests of routes).
    static func signal(for channel: any Channel) -> DisconnectSignal? {
        signals.withLock { $0[ObjectIdentifier(channel)] }
    }
}

/// Fires once, when a connection's client has gone. Handlers registered for one request are
/// removed when the request is done with them, so a keep-alive connection serving thousands of
/// turns holds only the handlers of the turns in flight.
final class DisconnectSignal: Sendable {
    private struct State {
        var fired = false
        var nextID: UInt64 = 0
        var handlers: [UInt64: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Calls `handler` once the client has gone: at once if it already has, in which case the
    /// result is nil. Otherwise returns an id for `remove`.
    func onDisconnect(_ handler: @escaping @Sendable () -> Void) -> UInt64? {
        let id = state.withLock { state -> UInt64? in
            if state.fired { return nil }
            state.nextID += 1
            state.handlers[state.nextID] = handler
            return state.nextID
        }
        if id == nil { handler() }
        return id
    }

    /// Handlers registered and not yet removed (tests check that none are left behind).
    var waiting: Int { state.withLock { $0.handlers.count } }

    func remove(_ id: UInt64) {
        _ = state.withLock { $0.handlers.removeValue(forKey: id) }
    }

    func fire() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            if state.fired { return [] }
            state.fired = true
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }
}

/// Thrown when the client went away before the answer was ready.
struct ClientDisconnected: Error {}
