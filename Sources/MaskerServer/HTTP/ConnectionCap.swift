import NIOCore
import Synchronization

/// A cap on the connections one client address holds open at once (`MASKER_MAX_CONNECTIONS_PER_ADDRESS`):
/// one address opening hundreds of slow connections cannot take every file descriptor the server
/// has. Shared by the server; each connection's `Slot` takes a place as it opens and gives it back
/// as it closes; a connection over the cap is closed at once, before anything is read from it.
final class ConnectionCap: Sendable {
    let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Takes a place for `address`; false (and nothing taken) when it already holds `limit`.
    func take(_ address: String) -> Bool {
        open.withLock { open in
            let count = open[address, default: 0]
            guard count < limit else { return false }
            open[address] = count + 1
            return true
        }
    }

    func give(_ address: String) {
        open.withLock { open in
            let count = open[address, default: 1] - 1
            open[address] = count > 0 ? count : nil
        }
    }

    func count(_ address: String) -> Int { open.withLock { $0[address, default: 0] } }

    /// The handler that holds one connection's place.
    final class Slot: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        private let cap: ConnectionCap
        private var address: String?

        init(_ cap: ConnectionCap) { self.cap = cap }

        func handlerAdded(context: ChannelHandlerContext) {
            // Loopback and Unix sockets have an address too; a connection without one is not capped.
            guard let remote = context.channel.remoteAddress?.ipAddress else { return }
            if cap.take(remote) {
                address = remote
            } else {
                context.close(promise: nil)
            }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            if let address { cap.give(address) }
            address = nil
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.fireChannelRead(data)
        }
    }
}
