import Foundation
import MaskerCore
import MaskerStore
import MaskerVoice

/// A recording to a masked transcript on the server, for `POST /api/v1/transcripts` and the
/// portal's Transcripts page: the CLI's stages (`Recording`, `Transcriber`, `MaskedTranscript`)
/// walled to the caller's account. Tokens are minted in the account (owner `api`, as `/mask`'s,
/// or the agent named by `agent_id`), every span is an audit event, and the recording itself is
/// kept only when the policy sets `audit.log_payloads: true`: sealed for the account
/// (`StoredRecording`), dropped by `masker audit purge`. Nothing of it reaches a log line.
struct TranscriptService: Sendable {
    let runtime: MaskingRuntime
    let store: any ServerStore
    let agents: AgentCache
    let settings: TranscriptSettings
    let gate: TranscriptGate
    let recognizers: TranscriptRecognizers

    init(runtime: MaskingRuntime, store: any ServerStore, agents: AgentCache, settings: TranscriptSettings) {
        self.runtime = runtime
        self.store = store
        self.agents = agents
        self.settings = settings
        gate = TranscriptGate(running: settings.concurrency)
        recognizers = TranscriptRecognizers(environment: settings.speechEnvironment)
    }

    struct Outcome: Sendable {
        var transcript: MaskedTranscript
        var audio: WAVAudio
        var provider: String
        var session: String
        var policy: Policy
        /// Set when the recording was kept (`log_payloads`).
        var recordingID: String?
    }

    /// Reads, recognises, masks and records `audio` under `options`; `requestID` is the session
    /// when none is given.
    func transcribe(_ audio: [UInt8], options: TranscriptOptions, account: String, requestID: String) async throws -> Outcome {
        let agent = try await agent(options.agentID, account: account)
        let state = try agent.map { agent throws(APIError) in try runtime.policyState(for: agent) } ?? runtime.policyState
        let recording: WAVAudio
        do {
            recording = try await Recording.read(Data(audio), maxSeconds: Double(settings.maxSeconds))
        } catch {
            throw APIError(.unprocessableContent, error.code, "\(error.description); nothing was kept")
        }
        let heard = try await gate.run { () async throws -> (turns: [VoiceTurn], provider: String) in
            let recognizer = try await recognizers.recognizer(options.provider)
            do throws(RecognitionError) {
                return (try await Transcriber.turns(of: recording, recognizer: recognizer, options: options.transcription), recognizer.name)
            } catch {
                throw TranscriptRecognizers.refusal(error)
            }
        }
        guard let heard else {
            var error = APIError(.serviceUnavailable, "transcriptions_busy",
                                 "\(gate.running) recording(s) are being transcribed and \(gate.waiting) wait; try again shortly (MASKER_TRANSCRIPT_CONCURRENCY)")
            error.headers[.retryAfter] = "30"
            throw error
        }
        let session = options.session ?? requestID
        let transcript = try await mask(heard.turns, state: state, agent: agent, account: account, session: session)
        let kept = try await keep(audio, policy: state.policy, account: account, agent: agent?.id, session: session)
        return Outcome(transcript: transcript, audio: recording, provider: heard.provider, session: session, policy: state.policy, recordingID: kept)
    }

    /// `replay --json`'s document (without `input`), the policy, the kept recording's id, and with
    /// `fill` the redacted recording.
    func json(_ outcome: Outcome, fill: AudioRedactor.Fill?) async -> JSONValue {
        guard case var .object(fields) = outcome.transcript.json(input: nil, audio: outcome.audio, provider: outcome.provider,
                                                                 session: outcome.session) else { return .null }
        fields += [("policy_name", .string(outcome.policy.name)), ("policy_version", .int(outcome.policy.version)),
                   ("recording_id", outcome.recordingID.map(JSONValue.string) ?? .null)]
        if let fill {
            let (audio, ranges) = (outcome.audio, outcome.transcript.audioRanges)
            let redacted = await DedicatedThread.run { AudioRedactor.redact(audio, ranges: ranges, fill: fill).wavData }
            fields.append(("redacted_audio", .object([("fill", .string(fill.rawValue)), ("wav_base64", .string(redacted.base64EncodedString()))])))
        }
        return .object(fields)
    }

    /// A kept recording's bytes, for its own account only; nil for anyone else's or one not kept.
    func recording(id: String, account: String) async throws -> [UInt8]? {
        let stored: StoredRecording?
        do {
            stored = try await store.recording(id: id, accountID: account)
        } catch {
            throw APIError.databaseUnavailable(error)
        }
        guard let stored, let key = runtime.audit?.recordKey else { return nil }
        return stored.open(key: key)
    }

    /// The agent named by `agent_id`, when it is one of the account's; another account's is 404.
    private func agent(_ id: String?, account: String) async throws -> Agent? {
        guard let id else { return nil }
        let agent: Agent?
        do {
            agent = try await agents.agent(id: id)
        } catch {
            throw APIError.databaseUnavailable(error)
        }
        guard let agent, agent.accountID == account else { throw APIError.notFound("agent") }
        return agent
    }

    /// Each turn masked and its events recorded before the next (fail closed: a turn the audit
    /// log cannot take stops the transcript, and nothing is answered).
    private func mask(_ turns: [VoiceTurn], state: MaskingRuntime.PolicyState, agent: Agent?, account: String,
                      session: String) async throws -> MaskedTranscript {
        let policy = state.policy
        let tokenization = agent?.tokenization.flatMap(TokenizationScheme.init(rawValue:)) ?? policy.tokenization
        let masker = try runtime.masker(tokenization, policy: policy,
                                        scope: TokenScopes.scope(policy, account: account, owner: agent?.id ?? TextRoutes.owner, session: session))
        let audit = AuditScope(sessionID: session, agentID: agent?.id, policy: policy)
        do {
            return try await MaskedTranscript.make(turns, pipeline: state.pipeline, masker: masker) { result in
                try await runtime.record(audit.redactions(result, tokenization: tokenization), policy: policy,
                                         payload: .init(masked: result.masked, sessionID: session, agentID: agent?.id))
            }
        } catch let error as APIError {
            throw error
        } catch {
            runtime.logger.error("transcript masking failed: \(error)")
            throw TurnProgress.notSent.vaultFailed(error)
        }
    }

    /// Keeps the recording, sealed, when the policy keeps payloads and the server has an audit
    /// log to derive the key from; its id, or nil when it is not kept.
    private func keep(_ audio: [UInt8], policy: Policy, account: String, agent: String?, session: String) async throws -> String? {
        guard policy.audit.logPayloads, let key = runtime.audit?.recordKey else { return nil }
        let id = ServerIDs.unguessable("rec")
        do {
            let sealed = try StoredRecording.seal(audio, key: key, id: id, accountID: account)
            try await store.insertRecording(StoredRecording(id: id, accountID: account, agentID: agent, sessionID: session, createdAt: Date(),
                                                            sealed: sealed))
        } catch {
            throw APIError(.serviceUnavailable, "recording_not_kept",
                           "the transcript was masked and its events recorded, but the recording could not be kept (\(StorageCause.of(error))) as the policy asks (audit.log_payloads); send it again")
        }
        return id
    }
}

extension Recording.Problem {
    /// The API's error code for it.
    var code: String {
        switch self {
        case .empty, .noAudio: return "recording_empty"
        case .unreadable: return "unsupported_audio"
        case .tooLong: return "recording_too_long"
        }
    }
}
