import Foundation
import MaskerCore
import MaskerVoice

/// A recording's turns, masked: what `masker-voice replay` writes. Each turn is detected and masked
/// as `masker mask` masks a line, its events recorded in the audit log, and each event carries the
/// audio time of the words it covers (for the JSON, and for the redacted recording).
struct ReplayTranscript {
    struct Turn {
        var turn: VoiceTurn
        var masked: String
        var replacements: [MaskReplacement]
        var audioRanges: [(start: Double, end: Double)?]
    }

    var turns: [Turn]

    /// Every masked span's audio time, for `AudioRedactor`: a span left in the text (`passthrough`,
    /// or an agent's line the policy keeps) is left in the recording too.
    var audioRanges: [(start: Double, end: Double)] {
        turns.flatMap { turn in zip(turn.replacements, turn.audioRanges).compactMap { $0.action == .passthrough ? nil : $1 } }
    }

    static func make(_ turns: [VoiceTurn], pipeline: DetectionPipeline, masker: Masker, tokenization: TokenizationScheme,
                     audit: AuditTrail) async throws -> ReplayTranscript {
        // One conversation: each turn's speaker is the recording's (audio always carries its
        // speakers), and under `mask_speakers` an agent's turn is kept only where it repeats
        // nothing masked anywhere in the call.
        var speakers = ConversationSpeakers(pipeline: pipeline)
        let detections = speakers.apply(turns.map { ConversationSpeakers.Text($0.text, detections: pipeline.detect($0.text), speaker: $0.speaker) })
        var masked: [Turn] = []
        for (turn, detections) in zip(turns, detections) {
            let result = try await masker.mask(turn.text, detections: detections)
            try await audit.record(audit.scope.redactions(result, tokenization: tokenization), payload: result.masked)
            masked.append(Turn(turn: turn, masked: result.masked, replacements: result.replacements,
                               audioRanges: result.replacements.map { turn.audioRange(ofScalars: $0.detection.start..<$0.detection.end) }))
        }
        return ReplayTranscript(turns: masked)
    }

    func json(input: String, audio: WAVAudio, provider: String, session: String) -> JSONValue {
        func millis(_ seconds: Double) -> JSONValue { .int(Int((seconds * 1000).rounded())) }
        return .object([
            ("input", .string(input)), ("duration_ms", millis(audio.duration)), ("sample_rate", .int(audio.sampleRate)),
            ("channels", .int(audio.channels)), ("asr_provider", .string(provider)), ("session", .string(session)),
            ("turns", .array(turns.map { turn in
                .object([
                    ("speaker", .string(turn.turn.speaker.rawValue)), ("start_ms", millis(turn.turn.start)), ("end_ms", millis(turn.turn.end)),
                    ("text", .string(turn.turn.text)), ("masked", .string(turn.masked)),
                    ("events", .array(zip(turn.replacements, turn.audioRanges).map { replacement, range in
                        guard case var .object(fields) = MaskCommand.event(replacement, offset: 0) else { return .null }
                        if let range { fields += [("audio_start_ms", millis(range.start)), ("audio_end_ms", millis(range.end))] }
                        return .object(fields)
                    })),
                ])
            })),
        ])
    }
}
