import Foundation
import Hummingbird
import MaskerCore
import MaskerStore
import MaskerVoice

/// `/transcripts`: upload a recording and read it back by speaker, masked; the page over
/// `TranscriptService`, as `POST /api/v1/transcripts` is the API over it. The form is
/// `multipart/form-data` carrying the page's CSRF token. The words heard are shown to the person
/// who sent the recording, in this answer only: nothing of the page is stored.
struct PortalTranscriptRoutes {
    let store: any ServerStore
    let runtime: MaskingRuntime
    let service: TranscriptService

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("transcripts") { request, _ in
            try await PortalHandler.run {
                let session = try await PortalSession.require(request, store: store)
                return PortalResponse.page("transcripts", try await model(session))
            }
        }
        router.post("transcripts") { request, context in
            try await PortalHandler.run { try await run(request, requestID: context.requestID) }
        }
    }

    private func run(_ request: Request, requestID: String) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let upload = try await TranscriptUpload.read(request, limit: service.settings.maxBytes, portalFields: ["csrf_token"])
        try PortalSession.checkCSRF(PortalForm(fields: ["csrf_token": upload.options["csrf_token"] ?? ""]), session)
        let options = try TranscriptOptions(upload.options.filter { $0.key != "csrf_token" })
        let outcome = try await service.transcribe(upload.audio, options: options, account: session.account.id, requestID: requestID)
        var model = try await model(session)
        model["ran"] = true
        model["policyName"] = outcome.policy.name
        model["duration"] = Recording.clock(outcome.audio.duration)
        model["channels"] = outcome.audio.channels
        model["session"] = outcome.session
        if let id = outcome.recordingID { model["recordingID"] = id }
        let turns = outcome.transcript.turns
        model["turnCount"] = turns.count
        model["spanCount"] = turns.reduce(0) { $0 + $1.result.replacements.count }
        model["turns"] = turns.map { turn -> [String: Any] in
            ["time": Recording.clock(turn.turn.start), "speaker": turn.turn.speaker.rawValue, "masked": turn.result.masked,
             "segments": PortalPlaygroundRoutes.segments(turn.turn.text, turn.result.replacements.map(\.detection))]
        }
        return PortalResponse.page("transcripts", model)
    }

    private func model(_ session: LoginSession) async throws -> [String: Any] {
        var model = PortalSession.frame(session, title: "Transcripts", section: "transcripts")
        let agents = try await dbCall { try await store.agents(accountID: session.account.id) }
        model["agents"] = agents.map { ["id": $0.id, "name": $0.name] }
        model["serverPolicy"] = runtime.policyState.policy.name
        model["maxMB"] = service.settings.maxBytes / 1_000_000
        model["maxMinutes"] = service.settings.maxSeconds / 60
        return model
    }
}
