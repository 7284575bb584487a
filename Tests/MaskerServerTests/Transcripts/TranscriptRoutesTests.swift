import Foundation
import MaskerCore
import MaskerStore
import Testing

@testable import MaskerServer

/// `POST /api/v1/transcripts` on speech rendered by Debian's flite (installed by scripts/setup.sh)
/// and recognised by PocketSphinx in the server: the same JSON as `masker-voice replay`, walled to
/// the account, a recording kept (sealed) only under `log_payloads`, and every bad upload a clear
/// error with nothing kept.
@Suite(.serialized) struct TranscriptRoutesTests {
    /// A caller's line, spoken by flite's `slt` voice at 16 kHz.
    static let call: [UInt8] = {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("masker-transcript-\(UUID().uuidString).wav")
        let flite = Process()
        flite.executableURL = URL(fileURLWithPath: "/usr/bin/flite")
        flite.arguments = ["-voice", "slt", "-t", "hello my name is sarah chen and my number is six one seven five five five zero one four two", "-o", scratch.path]
        flite.standardOutput = FileHandle.nullDevice
        flite.standardError = FileHandle.nullDevice
        try? flite.run()
        flite.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: scratch) }
        return (try? [UInt8](Data(contentsOf: scratch))) ?? []
    }()

    private func post(_ server: TestServer, _ query: String = "", bytes: [UInt8] = call, type: String = "audio/wav",
                      token: String?) async throws -> TestServer.Reply {
        try await server.call(.POST, "/api/v1/transcripts\(query)", bytes: bytes, token: token, headers: ["Content-Type": type], timeout: .seconds(120))
    }

    private func text(_ reply: TestServer.Reply, _ field: String) -> String {
        guard case let .array(turns)? = reply.json["turns"] else { return "" }
        return turns.compactMap { $0[field]?.stringValue }.joined(separator: " ")
    }

    @Test func aRecordingComesBackTranscribedAndMaskedWithNothingKept() async throws {
        #expect(Self.call.count > 44, "flite did not render the call: scripts/setup.sh installs it")
        let server = try await TestServer()
        let token = try await server.token()
        let reply = try await post(server, "?session=call-77", token: token)
        #expect(reply.status == 200, "\(reply.text)")
        let heard = text(reply, "text"), masked = text(reply, "masked")
        #expect(heard.contains("sarah") && heard.contains("six one seven"), "the recogniser followed the call: \(heard)")
        for value in ["sarah", "chen", "six one seven", "zero one four"] { #expect(!masked.contains(value), "\(value) survived: \(masked)") }
        #expect(reply.json["session"]?.stringValue == "call-77" && reply.json["asr_provider"]?.stringValue == "local")
        #expect(reply.json["sample_rate"]?.intValue == 16_000 && reply.json["channels"]?.intValue == 1)
        #expect(reply.json["recording_id"] == .null && reply.json["policy_name"]?.stringValue == "healthcare-default")
        guard case let .array(events)? = reply.json["turns"]?[0]?["events"] else { Issue.record("no events"); return }
        #expect(events.contains { $0["kind"]?.stringValue == "PHONE" } && events.contains { $0["kind"]?.stringValue == "NAME" }, "\(events)")
        for event in events { #expect((event["audio_end_ms"]?.intValue ?? 0) > (event["audio_start_ms"]?.intValue ?? .max)) }

        // The audit log has the spans (and no text); no log line has the words.
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        #expect(log.contains("\"session_id\":\"call-77\"") && log.contains("\"entity_kind\":\"PHONE\""))
        #expect(!log.contains("sarah") && !server.logs.text.contains("sarah") && !server.logs.text.contains("six one seven"))
        // The tokens restore in the account, through /rehydrate, in that session.
        let restored = try await server.call(.POST, "/api/v1/rehydrate", json: .object([("text", .string(masked)), ("session", .string("call-77"))]), token: token)
        #expect(restored.json["text"]?.stringValue?.contains("six one seven") == true, "\(restored.text)")
        try await server.stop()
    }

    @Test func aFormUploadTakesItsOptionsAndGivesTheRedactedRecording() async throws {
        let server = try await TestServer()
        let boundary = "MaskerBoundary7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        func part(_ name: String, _ value: [UInt8], filename: String? = nil) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename.map { "; filename=\"\($0)\"" } ?? "")\r\n".utf8)
            if filename != nil { body += Array("Content-Type: audio/wav\r\n".utf8) }
            body += Array("\r\n".utf8) + value + Array("\r\n".utf8)
        }
        part("session", Array("call-form".utf8))
        part("redacted_audio", Array("silence".utf8))
        part("file", Self.call, filename: "call.wav")
        body += Array("--\(boundary)--\r\n".utf8)
        let reply = try await post(server, bytes: body, type: "multipart/form-data; boundary=\(boundary)", token: try await server.token())
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json["session"]?.stringValue == "call-form")
        #expect(reply.json["redacted_audio"]?["fill"]?.stringValue == "silence")
        let redacted = try #require(reply.json["redacted_audio"]?["wav_base64"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        // As long as the recording, and silent somewhere the original is not.
        #expect(abs(redacted.count - Self.call.count) <= 64)
        let original = Array(Self.call.dropFirst(44)), cleaned = Array(redacted.dropFirst(44))
        let zeroed = zip(stride(from: 0, to: min(original.count, cleaned.count) - 1, by: 2), 0...).filter { index, _ in
            cleaned[index] == 0 && cleaned[index + 1] == 0 && (original[index] != 0 || original[index + 1] != 0)
        }.count
        #expect(zeroed > 8_000, "the masked words were not silenced (\(zeroed) samples)")
        try await server.stop()
    }

    @Test func underLogPayloadsTheRecordingIsKeptSealedForItsAccountOnly() async throws {
        let server = try await TestServer()
        let token = try await server.token()
        var policy = Policy.healthcareDefault
        policy.audit.logPayloads = true
        let agent = try await server.createAgent(.object([("name", .string("keeper")), ("upstream", .string("stub")),
                                                          ("policy_yaml", .string(policy.yamlText))]), token: token)
        let reply = try await post(server, "?agent_id=\(agent)&session=call-kept", token: token)
        #expect(reply.status == 200, "\(reply.text)")
        let id = try #require(reply.json["recording_id"]?.stringValue)
        let back = try await server.call(.GET, "/api/v1/recordings/\(id)", token: token)
        #expect(back.status == 200 && back.body == Self.call && back.headers["content-type"] == "audio/wav")
        // Stored sealed: the database file does not hold the recording's bytes.
        let stored = try #require(try await server.store.recording(id: id, accountID: try await server.store.account(named: "admin").id))
        #expect(stored.sealed.range(of: Data(Self.call.dropFirst(44).prefix(64))) == nil)
        #expect(stored.agentID == agent && stored.sessionID == "call-kept")
        let other = try await server.token(account: "other")
        #expect(try await server.call(.GET, "/api/v1/recordings/\(id)", token: other).status == 404)
        // Another account cannot mask under this account's agent either.
        #expect(try await post(server, "?agent_id=\(agent)", token: other).status == 404)
        try await server.stop()
    }

    @Test func badUploadsAreClearErrorsAndNothingIsKept() async throws {
        let server = try await TestServer(configure: { $0.transcripts.maxBytes = 200_000; $0.transcripts.maxSeconds = 3 })
        let token = try await server.token()
        func refused(_ reply: TestServer.Reply) -> (Int, String) { (reply.status, reply.json["error"]?["code"]?.stringValue ?? reply.text) }
        #expect(refused(try await post(server, bytes: Array("not audio at all".utf8), token: token)) == (422, "unsupported_audio"))
        #expect(refused(try await post(server, bytes: [], token: token)) == (422, "recording_empty"))
        #expect(refused(try await post(server, bytes: Array(repeating: 1, count: 300_000), token: token)) == (413, "recording_too_large"))
        #expect(refused(try await post(server, token: token)) == (422, "recording_too_long"))
        #expect(refused(try await post(server, "?speaker=me", token: token)) == (422, "unknown_option"))
        #expect(refused(try await post(server, "?asr_provider=whisperx", token: token)) == (422, "invalid_option"))
        #expect(refused(try await post(server, "?session=Sarah%20Chen", token: token)) == (400, "invalid_session_id"))
        #expect(refused(try await post(server, type: "text/plain", token: token)) == (415, "unsupported_media_type"))
        #expect(refused(try await post(server, token: nil)).0 == 401)
        let noFile = Array("--b\r\nContent-Disposition: form-data; name=\"session\"\r\n\r\ncall-1\r\n--b--\r\n".utf8)
        #expect(refused(try await post(server, bytes: noFile, type: "multipart/form-data; boundary=b", token: token)) == (422, "missing_recording"))
        try await server.stop()

        // A hosted provider without its key on the server: 503 naming the variable, never a key.
        let hosted = try await TestServer(configure: { $0.transcripts.speechEnvironment = [:] })
        let reply = try await post(hosted, "?asr_provider=deepgram", token: try await hosted.token())
        #expect(refused(reply) == (503, "asr_not_configured") && reply.text.contains("DEEPGRAM_API_KEY"), "\(reply.text)")
        try await hosted.stop()
    }
}
