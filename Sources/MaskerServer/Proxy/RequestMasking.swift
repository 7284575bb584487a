import Crypto
import MaskerCore

/// A chat request, masked: what goes upstream, and what the turn must record.
struct MaskedRequest {
    /// The request with every text masked (its `model` still the caller's).
    var body: JSONValue
    /// Every text of the request, in the walker's order, and how each was masked.
    var texts: [RequestText]
    var prepared: [PreparedMask]
    /// Texts not yet on the record (their events and vault entries belong to this turn).
    var fresh: [Int]
    /// Texts whose vault entries this turn stores: the fresh ones, or every one when the policy
    /// keeps a speaker's lines (an agent's line kept on an earlier turn may be masked on this one,
    /// once the caller has said what it repeats; storing is idempotent).
    var stored: [Int]
    /// What `CallHistory` keeps once the turn is durable.
    var nowRecorded: [(key: SHA256Digest, kept: CallHistory.Recorded)]
    var fallback: GemmaEndpointFailure?
    var detecting: Duration
    var minting: Duration

    /// Whether a `passthrough` rule left PHI as it was in a text new to the record: then the turn
    /// goes to the model only once it is on the record.
    var passesPHIThrough: Bool {
        fresh.contains { prepared[$0].result.replacements.contains { $0.action == .passthrough } }
    }
}

/// The masking stage of a proxied turn: collect the request's texts (its format's walker, which
/// refuses a request of the wrong shape before anything happens), detect in those new to the
/// call's record with their keys as context, find numbers split between messages, mint, and write
/// the masked request.
struct RequestMasking {
    let detector: TurnDetector
    let history: CallHistory
    let historyContext: CallHistory.Context
    /// Whose turn it is: its detection waits for one of the account's slots (`DetectionSlots`).
    let account: String
    let pipeline: DetectionPipeline
    let masker: Masker
    let format: any WireFormat

    func mask(_ body: JSONValue) async throws -> MaskedRequest {
        let clock = ContinuousClock()
        let texts = try format.texts(body)
        // The call's earlier messages come back with every turn: only what is new to the record
        // is detected and recorded. The rest was, when its turn was made durable, and is masked
        // again for the model as it was then.
        let keys = texts.map { history.key($0.keyed.detectionText, at: $0.location, in: historyContext) }
        let recorded = keys.map(history.recorded)

        let detectStart = clock.now
        let joins = splitNumbers(texts).merging(askedValues(texts, recorded: recorded)) { SplitNumbers.merge($0, $1) }
        var speakers = ConversationSpeakers(pipeline: pipeline)
        var reread: Set<Int> = []
        func splices(_ index: Int) -> MaskSplices? {
            // When the policy leaves a speaker's lines alone, every text is read again: whether an
            // agent's line is kept depends on every value masked anywhere in the call.
            guard !speakers.keepsSomeSpeaker, joins[index] == nil, !reread.contains(index),
                  case let .masked(splices)? = recorded[index] else { return nil }
            return splices
        }
        var unmasked = texts.indices.filter { splices($0) == nil }
        var turn = try await detector.detect(unmasked.map { texts[$0].keyed.detectionText }, pipeline: pipeline, account: account, repeats: false)
        var found: [Int: [Detection]] = [:]
        func keep(_ indices: [Int], _ detected: [[Detection]]) {
            for (index, detections) in zip(indices, detected) {
                found[index] = SplitNumbers.merge(texts[index].keyed.detections(detections, policy: pipeline.policy), joins[index] ?? [])
            }
        }
        keep(unmasked, turn.detections)
        // A value found in one text is masked wherever the call says it again (`RepeatedValues`):
        // an earlier message on the record that says a value found only now is read again.
        var values = RepeatedValues()
        values.add(found.values.joined())
        var onRecord: [Int: [Detection]] = [:]
        for index in texts.indices where found[index] == nil {
            if let splices = splices(index), !splices.pieces.isEmpty {
                onRecord[index] = splices.detections(in: texts[index].keyed.value)
                values.add(onRecord[index] ?? [])
            }
        }
        if !values.isEmpty {
            let again = texts.indices.filter { index in
                guard found[index] == nil, splices(index) != nil else { return false }
                return !values.repeats(in: texts[index].keyed.value, besides: onRecord[index] ?? []).isEmpty
            }
            if !again.isEmpty {
                reread.formUnion(again)
                let more = try await detector.detect(again.map { texts[$0].keyed.detectionText }, pipeline: pipeline, account: account, repeats: false)
                keep(again, more.detections)
                turn.fallback = turn.fallback ?? more.fallback
                unmasked = texts.indices.filter { found[$0] != nil }
            }
            for index in unmasked {
                let repeats = values.repeats(in: texts[index].keyed.value, besides: found[index] ?? [])
                if !repeats.isEmpty { found[index] = ((found[index] ?? []) + repeats).sorted { $0.start < $1.start } }
            }
        }
        // Under the diarize pass every text of a request has a speaker: a message's role says whose
        // it is, and anything else (tools, metadata, a system prompt) is nobody's: always masked.
        let attributed = speakers.apply(unmasked.map { index in
            ConversationSpeakers.Text(texts[index].keyed.value, detections: found[index] ?? [],
                                      speaker: pipeline.diarizes ? texts[index].message.map { Speaker(role: $0.role) } ?? .unknown : nil)
        })
        var detections = [[Detection]?](repeating: nil, count: texts.count)
        for (index, found) in zip(unmasked, attributed) { detections[index] = found }
        let detecting = clock.now - detectStart

        let mintStart = clock.now
        // The same text twice in a turn is masked once, so it reads the same in both places (a
        // property in `properties` and in `required`). Only reversible-aead needs it: its tokens
        // differ per mint, where the vault's and synthetic mode's are the same for the same text.
        // (Not when a speaker's lines are kept: the same words may be kept in an agent's line and
        // masked in the caller's.)
        let memoize = masker.scheme?.id == .aead && !speakers.keepsSomeSpeaker
        var memo: [String: Int] = [:]
        var prepared: [PreparedMask] = []
        for index in texts.indices {
            let text = texts[index].keyed
            if let splices = splices(index) {
                prepared.append(PreparedMask(result: MaskResult(masked: splices.apply(to: text.value), replacements: [])))
            } else if memoize, joins[index] == nil, let first = memo[text.detectionText] {
                prepared.append(PreparedMask(result: prepared[first].result))
            } else {
                if memoize { memo[text.detectionText] = index }
                prepared.append(try masker.prepare(text.value, detections: detections[index] ?? []))
            }
        }
        var visited = 0
        let masked = try format.rewrite(body) { text in
            defer { visited += 1 }
            let output = prepared[visited].result.masked
            return output == text.keyed.value ? nil : output
        }
        let minting = clock.now - mintStart

        let fresh = texts.indices.filter { recorded[$0] == nil || joins[$0] != nil || reread.contains($0) }
        // What the pipeline found without its LLM back end is not kept (as in `DetectionCache`);
        // a text detected again because of that is kept once the back end has answered for it.
        let redetected = turn.fallback == nil ? texts.indices.filter { recorded[$0] == .detectAgain } : []
        let nowRecorded = (fresh + redetected).map { index -> (key: SHA256Digest, kept: CallHistory.Recorded) in
            (keys[index], turn.fallback == nil ? .masked(MaskSplices(prepared[index].result)) : .detectAgain)
        }
        return MaskedRequest(body: masked, texts: texts, prepared: prepared, fresh: fresh,
                             stored: speakers.keepsSomeSpeaker ? Array(texts.indices) : fresh, nowRecorded: nowRecorded,
                             fallback: turn.fallback, detecting: detecting, minting: minting)
    }

    /// For each text, what a number running into or out of it adds (`SplitNumbers`): between
    /// consecutive texts of one role's content, in one message or in the role's next message (the
    /// agent may have spoken in between: "go on").
    /// A dictionary, empty (and so never allocated) on almost every turn.
    /// What a caller's new line reveals read after the agent's question it answers
    /// (`AskedValues`): a message of the caller's right after one of the agent's that ends with a
    /// question. Only lines new to the call's record: one on the record was read so when it was new.
    /// The question is read with the recognizers only (`gemma: []`): it lends its context phrases,
    /// and the NER pass reads the answer on its own anyway.
    private func askedValues(_ texts: [RequestText], recorded: [CallHistory.Recorded?]) -> [Int: [Detection]] {
        var asked: [Int: [Detection]] = [:]
        var previous: Int?
        for index in texts.indices {
            guard let message = texts[index].message, texts[index].keyed.context == nil else { continue }
            defer { previous = index }
            guard message.role == "user", recorded[index] == nil, let before = previous,
                  texts[before].message?.role == "assistant", texts[before].message?.index == message.index - 1,
                  let question = AskedValues.question(endingLine: texts[before].keyed.value) else { continue }
            let found = AskedValues.answered(question, texts[index].keyed.value) { pipeline.detect($0, gemma: []) }
            if !found.isEmpty { asked[index] = found }
        }
        return asked
    }

    private func splitNumbers(_ texts: [RequestText]) -> [Int: [Detection]] {
        var joins: [Int: [Detection]] = [:]
        // Per role, its last text when that ends with a number and something follows it.
        var previous: [String: Int] = [:]
        for index in texts.indices {
            guard let message = texts[index].message, texts[index].keyed.context == nil else { continue }
            let before = previous[message.role]
            let endsWithNumber = index + 1 < texts.count && SplitNumbers.endsWithNumber(texts[index].keyed.value)
            previous[message.role] = endsWithNumber ? index : nil
            guard let before, SplitNumbers.startsWithNumber(texts[index].keyed.value) else { continue }
            let (first, second) = SplitNumbers.crossing(texts[before].keyed.value, texts[index].keyed.value) { pipeline.detect($0) }
            guard !first.isEmpty || !second.isEmpty else { continue }
            joins[before] = SplitNumbers.merge(joins[before] ?? [], first)
            joins[index] = SplitNumbers.merge(joins[index] ?? [], second)
        }
        return joins
    }
}
