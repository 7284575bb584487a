import HummingbirdWebSocket
import Logging
import MaskerCore
import MaskerStore
import NIOCore
import Synchronization

/// One Retell call's WebSocket (`/retell/{agent_id}/{call_id}`), the protocol's whole loop: the
/// opening config and begin message; `ping_pong` answered; `call_details` and `update_only` read and
/// dropped (the call's metadata holds the caller's number and never reaches the model);
/// `response_required` and `reminder_required` each a turn of the pipeline (`TurnPipeline`,
/// chat-completions format, streamed), its restored chunks sent as `response` events. A newer
/// `response_id` cancels the turn still answering an older one, upstream call included.
struct RetellCall: Sendable {
    let agent: Agent
    let callID: String
    let pipeline: TurnPipeline
    let metrics: ServerMetrics
    let eventLoop: any EventLoop
    let logger: Logger

    /// The most a message from Retell may hold.
    static let maxMessageBytes = 1 << 20

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        for event in RetellEvents.opening { try await outbound.writeTextMessage(event.serialized()) }
        let answering = Mutex<(id: Int, task: Task<Void, Never>)?>(nil)
        defer { answering.withLock { $0?.task.cancel() } } // the call ended: so does its answer
        for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
            guard case let .text(text) = message else { continue } // the protocol sends text frames only
            let event: RetellEvents.Inbound
            do throws(RetellProtocolError) {
                guard let parsed = try? JSONParser.parse(text) else { throw RetellProtocolError("a message that is not JSON") }
                event = try RetellEvents.Inbound(parsed)
            } catch {
                logger.warning("retell: ignored a message: \(error.description)", metadata: ["agent": .string(agent.id)])
                continue
            }
            switch event {
            case let .pingPong(timestamp):
                try await outbound.writeTextMessage(RetellEvents.pong(timestamp).serialized())
            case .callDetails, .updateOnly, .other:
                continue
            case let .responseRequired(id, transcript, reminder):
                let previous = answering.withLock { current -> Task<Void, Never>? in
                    // An id not newer than the one being answered is stale: Retell has moved on.
                    guard current.map({ $0.id < id }) ?? true else { return nil }
                    let previous = current?.task
                    current = (id, Task { await answer(id: id, transcript: transcript, reminder: reminder, outbound: outbound) })
                    return previous
                }
                previous?.cancel()
            }
        }
    }

    /// One turn: the transcript masked and sent upstream, the answer streamed back restored.
    private func answer(id: Int, transcript: [RetellEvents.Utterance], reminder: Bool, outbound: WebSocketOutboundWriter) async {
        let request = TurnRequest(frontDoor: "retell", agent: agent, body: RetellEvents.chatRequest(transcript, reminder: reminder), externalID: callID,
                                  requestID: RequestIDs.next(), stream: true, credentials: CallerCredentials(), eventLoop: eventLoop,
                                  disconnect: nil)
        var sink = RetellSink(outbound: outbound, responseID: id)
        do {
            switch try await pipeline.run(request, format: ChatCompletionsFormat()) {
            case let .stream(stream, _):
                try await stream.drain(into: &sink)
            case let .whole(answer, _):
                let said = JSONValue.object([("content", .string(ChatAnswerText.of(answer)))])
                try await sink.write(.event(.object([("choices", .array([.object([("delta", said)])]))])))
            }
            try await sink.complete()
            metrics.request(agent: agent.id, status: 200)
        } catch is CancellationError {
            return // superseded by a newer response_id, or the call ended
        } catch let error as APIError {
            // Masker's own refusal (masking, the vault, the audit log, the model): logged by its
            // code; the response ends empty so the call goes on, and nothing unmasked was sent.
            metrics.request(agent: agent.id, status: Int(error.status.code))
            logger.error("retell: response \(id) failed: \(error.code)", metadata: ["agent": .string(agent.id), "request_id": .string(request.requestID)])
            try? await sink.complete()
        } catch {
            logger.warning("retell: response \(id) could not be sent: \(String(describing: type(of: error)))", metadata: ["agent": .string(agent.id)])
        }
    }
}
