import MaskerCore
import MaskerStore
import NIOCore

/// One turn as a front door hands it to `TurnPipeline`: the request already read, checked and in
/// its format's shape, and what the pipeline needs of the connection it came on.
struct TurnRequest: Sendable {
    /// Which front door the turn came through (`chat_completions`, `responses`, `retell`): a
    /// word for traces, never anything of the request.
    var frontDoor: String
    var agent: Agent
    /// The request, platform call metadata already dropped unless the server forwards it.
    var body: JSONValue
    /// The call's id as the caller named it (checked by `SessionIDs`), or nil: the turn is its
    /// own session, named by `requestID`.
    var externalID: String?
    var requestID: String
    var stream: Bool
    /// The caller's own model credentials, passed upstream when it sent them.
    var credentials: CallerCredentials
    /// The caller's connection's event loop (the upstream's timer runs there, and its answer is
    /// gathered there) and its hang-up signal, when it has one.
    var eventLoop: any EventLoop
    var disconnect: DisconnectSignal?

    /// The session the turn is recorded in.
    var session: String { externalID ?? requestID }
}

/// A turn's answer, restored: whole, or a stream the front door drains into its own wire format.
enum TurnAnswer: Sendable {
    case whole(JSONValue, sessionID: String)
    case stream(TurnStream, sessionID: String)
}
