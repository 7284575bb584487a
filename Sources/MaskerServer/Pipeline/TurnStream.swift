import MaskerCore
import NIOCore

/// Where a front door writes a restored stream: server-sent events for the HTTP formats, Retell's
/// `response` events on its WebSocket.
protocol StreamSink {
    mutating func write(_ output: StreamOutput) async throws
    /// The stream failed part-way: said in-band, as OpenAI does, after what was already released.
    mutating func fail(_ error: APIError, requestID: String) async throws
}

/// A streamed answer, restored as it arrives: each upstream event is rehydrated
/// (`StreamRestoring`), the rehydrations of tokens it releases for the first time in this answer
/// (`AnswerReleases`) are put on the record, and only then is it written.
/// The turn's own row is added once the stream has ended, however it ended.
struct TurnStream: Sendable {
    let chunks: AsyncThrowingStream<[UInt8], any Error>
    let format: any WireFormat
    let rehydrator: Rehydrator
    let ledger: TurnLedger
    let sessionID: String
    /// The turn's spans: its stream stage and the turn itself end when the stream does.
    let trace: TurnTrace

    /// Drains the upstream into `sink`. Returns how the stream ended (`ok`, `client_closed`,
    /// `upstream_error` or an error code); throws only when the sink itself fails.
    @discardableResult
    func drain(into sink: inout some StreamSink) async throws -> String {
        var parser = ServerSentEventParser()
        var restorer = format.streamRestorer(rehydrator)
        let started = ContinuousClock.now
        var said = ledger.recording.answer(reading: { [format] in format.answerText($0) }), ended = "ok", finished = false
        var releases = AnswerReleases()
        let streaming = trace.stage("masker.stream")
        defer {
            ledger.finishStreamed(sessionID: sessionID, status: ended, stream: ContinuousClock.now - started, answer: said)
            streaming?.attributes["masker.tokens.restored"] = said.restoredTokens
            streaming?.end()
            trace.end(status: ended)
        }
        func pass(_ data: String) async throws {
            let (came, output, done) = await restorer.restore(data)
            // Nothing restored is written out before its rehydration event is on the record.
            let rehydrations = releases.fresh(restorer.takeEvents())
            said.count(rehydrations)
            try await ledger.recordRehydrations(rehydrations, progress: .partlyReleased)
            var source = came // what the model sent is counted once, with the first event it became
            for item in output {
                if case let .event(value) = item {
                    said.add(came: source, went: value)
                    source = nil
                }
                try await sink.write(item)
            }
            finished = finished || done
        }
        do {
            for try await chunk in chunks {
                for data in parser.feed(chunk) { try await pass(data) }
            }
            if let data = parser.finish() { try await pass(data) }
            if !finished {
                ended = "upstream_error"
                ledger.runtime.logger.warning("upstream stream closed before \(format.streamEnd)", metadata: ["request_id": .string(ledger.requestID)])
                try await sink.fail(APIError(.badGateway, "upstream_error",
                                             "the model's stream ended before it finished (the connection closed without \(format.streamEnd)); the answer may be incomplete"),
                                    requestID: ledger.requestID)
            }
        } catch is CancellationError {
            ended = "client_closed"
            return ended
        } catch let error as APIError {
            ended = error.code
            ledger.runtime.logger.error("stream stopped: \(error.code)", metadata: ["request_id": .string(ledger.requestID)])
            try await sink.fail(error, requestID: ledger.requestID)
        } catch {
            // The upstream connection broke mid-answer.
            ended = "upstream_error"
            ledger.runtime.logger.warning("upstream stream failed: \(String(describing: type(of: error)))",
                                          metadata: ["request_id": .string(ledger.requestID)])
            try await sink.fail(APIError(.badGateway, "upstream_error",
                                         "the model's stream broke off (the connection failed); the answer up to this point was released"),
                                requestID: ledger.requestID)
        }
        // What the stream's texts still hold, released at its end.
        let closing = await restorer.finish()
        let rehydrations = releases.fresh(restorer.takeEvents())
        said.count(rehydrations)
        try await ledger.recordRehydrations(rehydrations, progress: .partlyReleased)
        for value in closing {
            said.add(came: nil, went: value)
            try await sink.write(.event(value))
        }
        ledger.metrics.stage("stream", ContinuousClock.now - started)
        return ended
    }
}
