import MaskerCore
import MaskerStore

/// What a turn must leave on the record, and the writes that make it durable: its session row, its
/// own row for the portal (`TurnRecording`), its stage timings, and the outcome of its vault and
/// audit writes (`TurnCommit`), which every release of restored text waits for.
struct TurnLedger: Sendable {
    let agent: Agent
    let externalID: String?
    let requestID: String
    let policy: Policy
    let audit: AuditScope
    let results: [MaskResult]
    let recording: TurnRecording
    let commit: TurnCommit
    var timings: [String: Duration]
    /// Minting's own time; the vault's is added to it as `tokenize` once the commit is awaited.
    let minting: Duration
    let runtime: MaskingRuntime
    let sessions: SessionRecorder
    let metrics: ServerMetrics

    /// Waits until the turn is durable. If either write failed, the turn is recorded with that
    /// failure and nothing restored is released.
    mutating func settle(_ progress: TurnProgress) async throws {
        let outcome = await commit.wait(progress)
        timings["tokenize"] = minting + outcome.vaultTime
        if let failure = outcome.failure {
            await recordFailed(status: failure.code)
            throw failure
        }
    }

    /// Rehydration events on the audit log before their text is released.
    func recordRehydrations(_ events: [RehydrationEvent], progress: TurnProgress) async throws(APIError) {
        try await Self.record(audit.rehydrations(events), policy: policy, runtime: runtime, metrics: metrics, progress: progress)
    }

    /// Adds the turn to its session and, with `answer`, its own row (a streamed turn passes none
    /// here and adds its row when the stream ends, `finishStreamed`). Returns the session's id.
    @discardableResult
    func record(status: String, answer: TurnRecording.Answer?) async throws -> String {
        var kinds: [String: Int] = [:], passes: [String: Int] = [:]
        for result in results {
            for replacement in result.replacements {
                kinds[replacement.detection.kind.rawValue, default: 0] += 1
                passes[replacement.detection.pass.rawValue, default: 0] += 1
            }
        }
        for (stage, duration) in timings { metrics.stage(stage, duration) }
        let millis = timings.mapValues(\.milliseconds)
        let started = ContinuousClock.now
        defer { metrics.stage("session", ContinuousClock.now - started) }
        do {
            let id = try await sessions.record(accountID: agent.accountID, agentID: agent.id, externalID: externalID,
                                               turn: SessionTurn(status: status, redactionsByKind: kinds, redactionsByPass: passes, stageMillis: millis))
            if answer != nil || status != "ok" {
                sessions.add(recording.turn(sessionID: id, status: status, stageMillis: millis, answer: answer, logger: runtime.logger))
            }
            return id
        } catch {
            runtime.logger.error("session not recorded: \(error.description)")
            // Sessions are recorded once the model has answered (or failed to).
            throw TurnProgress.sentToModel.sessionFailed(error)
        }
    }

    /// Records a turn that already failed: its own error is what the caller must hear, so a
    /// session that cannot be recorded as well is logged, not answered.
    func recordFailed(status: String) async {
        _ = try? await record(status: status, answer: nil)
    }

    /// A streamed turn's own row, once its stream has ended however it ended.
    func finishStreamed(sessionID: String, status: String, stream: Duration, answer: TurnRecording.Answer) {
        var millis = timings.mapValues(\.milliseconds)
        millis["stream"] = stream.milliseconds
        sessions.add(recording.turn(sessionID: sessionID, status: status, stageMillis: millis, answer: answer, logger: runtime.logger))
    }

    /// Every audit append of a turn's answer, whole or streamed, goes through here: appends wait
    /// for the disk (fdatasync), so their time is a stage of its own in /metrics. Calls with
    /// nothing to record (a stream chunk without tokens) are not counted.
    static func record(_ events: [AuditEvent], policy: Policy, runtime: MaskingRuntime, metrics: ServerMetrics,
                       payload: AuditLog.Payload? = nil, progress: TurnProgress) async throws(APIError) {
        guard !events.isEmpty || payload != nil else { return }
        let started = ContinuousClock.now
        defer { metrics.stage("audit", ContinuousClock.now - started) }
        try await runtime.record(events, policy: policy, payload: payload, progress: progress)
    }
}
