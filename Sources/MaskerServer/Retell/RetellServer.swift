import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import MaskerCore
import NIOCore

/// Retell's custom-LLM WebSocket front door, on its own listener (`MASKER_RETELL_LISTEN_ADDR`):
/// Retell dials `ws(s)://HOST/retell/{agent_id}/{call_id}` and each call is a `RetellCall`.
///
/// Its own listener, not the API's: an HTTP server that can upgrade a connection reads the
/// connection's first request head before any handler of ours is in place, so the API port's
/// slow-client deadlines (`ClientDeadlines`) and per-address cap would not cover it. Here a
/// connection gets `HandshakeGuard` instead: the same cap, and the handshake's head within the idle
/// deadline.
enum RetellServer {
    static func application(_ dependencies: ServerDependencies, pipeline: TurnPipeline, agents: AgentCache, address: ListenAddress,
                            onReady: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let configuration = dependencies.configuration
        let cap = ConnectionCap(limit: configuration.maxConnectionsPerAddress)
        let webSocket = WebSocketServerConfiguration(maxFrameSize: RetellCall.maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(30)))
        let shouldUpgrade: @Sendable (HTTPRequest, any Channel, Logger) async throws -> ShouldUpgradeResult<
            WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>
        > = { head, channel, _ in
            guard let (agentID, callID) = Self.path(head.path ?? "") else { return .dontUpgrade }
            guard SessionIDs.isValid(callID), let agent = try? await agents.agent(id: agentID) else { return .dontUpgrade }
            let call = RetellCall(agent: agent, callID: callID, pipeline: pipeline, metrics: dependencies.metrics,
                                  eventLoop: channel.eventLoop, logger: dependencies.logger)
            return .upgrade([:]) { inbound, outbound, _ in
                try await call.run(inbound: inbound, outbound: outbound)
            }
        }
        let server = HTTPServerBuilder { responder in
            HandshakeGuard(base: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init(ws: webSocket), shouldUpgrade: shouldUpgrade),
                           cap: cap, deadline: configuration.clientIdleTimeout)
        }
        return Application(router: notFound(), server: server,
                           configuration: .init(address: .hostname(address.host, port: address.port), serverName: "masker"),
                           onServerRunning: { channel in await onReady(channel.localAddress?.port ?? address.port) },
                           logger: dependencies.logger)
    }

    /// `/retell/{agent_id}/{call_id}`, nothing more.
    static func path(_ path: String) -> (agent: String, call: String)? {
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "retell", !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        return (String(parts[2]), String(parts[3]))
    }

    /// What a request that is not a call's WebSocket gets: 404 in the API's error shape, naming the
    /// path to dial (an unknown agent or a call id that could carry PHI is refused the same way).
    private static func notFound() -> Router<MaskerRequestContext> {
        let router = Router(context: MaskerRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.get("**") { _, _ -> Response in
            throw APIError(.notFound, "not_found",
                           "connect a WebSocket to /retell/{agent_id}/{call_id} with an existing agent's id and an opaque call id (letters, digits, - and _)")
        }
        return router
    }
}
