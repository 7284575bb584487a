import MaskerCore

/// A recording's turns, masked: what `masker-voice replay` and `POST /api/v1/transcripts` give.
/// The turns are one conversation (`ConversationSpeakers`: each turn's speaker is the recording's,
/// and under `mask_speakers` an agent's turn is kept only where it repeats nothing masked anywhere
/// in the call); each turn is masked as `masker mask` masks a line, and each event carries the
/// audio time of the words it covers (for the JSON, and for the redacted recording).
public struct MaskedTranscript: Sendable {
    public struct Turn: Sendable {
        public var turn: VoiceTurn
        public var result: MaskResult
        /// Each replacement's time in the audio, from its words' timings.
        public var audioRanges: [(start: Double, end: Double)?]
    }

    public var turns: [Turn]

    /// Detects and masks every turn. `record` gets each turn's result before the next is masked
    /// (the audit log's events, which fail the transcript closed when they cannot be written).
    public static func make(_ turns: [VoiceTurn], pipeline: DetectionPipeline, masker: Masker,
                            record: (MaskResult) async throws -> Void) async throws -> MaskedTranscript {
        var found = turns.map { pipeline.detect($0.text) }
        // A number read across a turn boundary is found in both turns, whoever each is said to
        // be: diarization may cut one speaker's number in two, and each half alone is too short.
        // Each boundary is read once.
        for index in turns.indices.dropLast() where SplitNumbers.mayJoin(turns[index].text, turns[index + 1].text) {
            let (head, tail) = SplitNumbers.crossing(turns[index].text, turns[index + 1].text) { pipeline.detect($0) }
            found[index] = SplitNumbers.merge(found[index], head)
            found[index + 1] = SplitNumbers.merge(found[index + 1], tail)
        }
        var speakers = ConversationSpeakers(pipeline: pipeline)
        let detections = speakers.apply(turns.indices.map { ConversationSpeakers.Text(turns[$0].text, detections: found[$0], speaker: turns[$0].speaker) })
        var masked: [Turn] = []
        for (turn, detections) in zip(turns, detections) {
            let result = try await masker.mask(turn.text, detections: detections)
            try await record(result)
            masked.append(Turn(turn: turn, result: result,
                               audioRanges: result.replacements.map { turn.audioRange(ofScalars: $0.detection.start..<$0.detection.end) }))
        }
        return MaskedTranscript(turns: masked)
    }

    /// Every masked span's audio time, for `AudioRedactor`: a span left in the text (`passthrough`,
    /// or an agent's line the policy keeps) is left in the recording too.
    public var audioRanges: [(start: Double, end: Double)] {
        turns.flatMap { turn in zip(turn.result.replacements, turn.audioRanges).compactMap { $0.action == .passthrough ? nil : $1 } }
    }

    /// The transcript document (docs/voice.md): the recording's facts, then each turn with its
    /// speaker, times, original and masked text, and events with their audio times. It holds the
    /// original words: it goes only to whoever sent the recording.
    public func json(input: String?, audio: WAVAudio, provider: String, session: String) -> JSONValue {
        func millis(_ seconds: Double) -> JSONValue { .int(Int((seconds * 1000).rounded())) }
        var fields: [(String, JSONValue)] = input.map { [("input", .string($0))] } ?? []
        fields += [
            ("duration_ms", millis(audio.duration)), ("sample_rate", .int(audio.sampleRate)),
            ("channels", .int(audio.channels)), ("asr_provider", .string(provider)), ("session", .string(session)),
            ("turns", .array(turns.map { turn in
                .object([
                    ("speaker", .string(turn.turn.speaker.rawValue)), ("start_ms", millis(turn.turn.start)), ("end_ms", millis(turn.turn.end)),
                    ("text", .string(turn.turn.text)), ("masked", .string(turn.result.masked)),
                    ("events", .array(zip(turn.result.replacements, turn.audioRanges).map { replacement, range in
                        guard case var .object(fields) = replacement.event() else { return .null }
                        if let range { fields += [("audio_start_ms", millis(range.start)), ("audio_end_ms", millis(range.end))] }
                        return .object(fields)
                    })),
                ])
            })),
        ]
        return .object(fields)
    }
}
