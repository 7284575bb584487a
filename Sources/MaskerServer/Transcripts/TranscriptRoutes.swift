import Foundation
import Hummingbird
import MaskerCore
import MaskerStore
import MaskerVoice

/// `POST /api/v1/transcripts`: a recording in, the same JSON `masker-voice replay --json` writes
/// out (turns by speaker with their times, original and masked text, events with their audio
/// times), for the portal and for automation. `GET /api/v1/recordings/{id}`: a kept recording back.
///
/// The stages are the CLI's (`Recording`, `Transcriber`, `MaskedTranscript`); this only reads the
/// upload, walls it to the caller's account, and answers. Tokens are minted in the account (owner
/// `api`, as `/mask`'s, or the agent named by `agent_id`), every span is an audit event, and the
/// recording itself is kept only when the policy sets `audit.log_payloads: true`: sealed for the
/// account (`StoredRecording`), dropped by `masker audit purge`. Nothing of it reaches a log line.
struct TranscriptRoutes {
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

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.post("transcripts") { request, context in try await transcribe(request, context) }
        group.get("recordings/{id}") { _, context in try await recording(context) }
    }

    private func transcribe(_ request: Request, _ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let upload = try await TranscriptUpload.read(request, limit: settings.maxBytes)
        let options = try TranscriptOptions(upload.options)
        let agent = try await agent(options.agentID, account: account.id)
        let state = try agent.map { agent throws(APIError) in try runtime.policyState(for: agent) } ?? runtime.policyState
        let audio: WAVAudio
        do {
            audio = try await Recording.read(Data(upload.audio), maxSeconds: Double(settings.maxSeconds))
        } catch {
            throw APIError(.unprocessableContent, error.code, "\(error.description); nothing was kept")
        }
        let heard = try await gate.run { () async throws -> (turns: [VoiceTurn], provider: String) in
            let recognizer = try await recognizers.recognizer(options.provider)
            do throws(RecognitionError) {
                return (try await Transcriber.turns(of: audio, recognizer: recognizer, options: options.transcription), recognizer.name)
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
        let session = options.session ?? context.requestID
        let transcript = try await mask(heard.turns, state: state, agent: agent, account: account.id, session: session)
        let kept = try await keep(upload.audio, policy: state.policy, account: account.id, agent: agent?.id, session: session)
        guard case var .object(fields) = transcript.json(input: nil, audio: audio, provider: heard.provider, session: session) else {
            return JSONResponse.make(.null)
        }
        fields += [("policy_name", .string(state.policy.name)), ("policy_version", .int(state.policy.version)),
                   ("recording_id", kept.map(JSONValue.string) ?? .null)]
        if let fill = options.fill {
            let redacted = await DedicatedThread.run { AudioRedactor.redact(audio, ranges: transcript.audioRanges, fill: fill).wavData }
            fields.append(("redacted_audio", .object([("fill", .string(fill.rawValue)), ("wav_base64", .string(redacted.base64EncodedString()))])))
        }
        return JSONResponse.make(.object(fields))
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

    /// The original recording, for its own account only; 404 for anyone else's or one not kept.
    private func recording(_ context: MaskerRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let id = try context.parameters.require("id")
        let stored: StoredRecording?
        do {
            stored = try await store.recording(id: id, accountID: account.id)
        } catch {
            throw APIError.databaseUnavailable(error)
        }
        guard let stored, let key = runtime.audit?.recordKey, let audio = stored.open(key: key) else { throw APIError.notFound("recording") }
        return Response(status: .ok, headers: [.contentType: "audio/wav", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: audio)))
    }
}

extension Recording.Problem {
    /// The API's error code for it.
    var code: String {
        switch self {
        case .empty: return "recording_empty"
        case .unreadable: return "unsupported_audio"
        case .noAudio: return "recording_empty"
        case .tooLong: return "recording_too_long"
        }
    }
}
