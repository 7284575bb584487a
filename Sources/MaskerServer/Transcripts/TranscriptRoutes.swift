import Hummingbird
import MaskerCore

/// `POST /api/v1/transcripts`: a recording in, the same JSON `masker-voice replay --json` writes
/// out (turns by speaker with their times, original and masked text, events with their audio
/// times), for automation; `GET /api/v1/recordings/{id}`: a kept recording back, to its own
/// account. The wire format only: `TranscriptService` does the work.
struct TranscriptRoutes {
    let service: TranscriptService

    func register(_ group: RouterGroup<MaskerRequestContext>) {
        group.post("transcripts") { request, context in
            let account = try context.requireAccount()
            let upload = try await TranscriptUpload.read(request, limit: service.settings.maxBytes)
            let options = try TranscriptOptions(upload.options)
            let outcome = try await service.transcribe(upload.audio, options: options, account: account.id, requestID: context.requestID)
            return JSONResponse.make(await service.json(outcome, fill: options.fill))
        }
        group.get("recordings/{id}") { _, context in
            let account = try context.requireAccount()
            guard let audio = try await service.recording(id: try context.parameters.require("id"), account: account.id) else {
                throw APIError.notFound("recording")
            }
            return Response(status: .ok, headers: [.contentType: "audio/wav", .cacheControl: "no-store"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: audio)))
        }
    }
}
