import Synchronization
/// Overrides from the command line or an API call, on top of the policy.
public struct DetectionOptions: Sendable {
    /// Replaces every kind's `confidence_threshold` (`masker detect --threshold`).
    public var threshold: Double?
    /// Runs only these passes, in the policy's order (`--passes regex`).
    public var passes: Set<DetectionPassName>?

    public init(threshold: Double? = nil, passes: Set<DetectionPassName>? = nil) {
        self.threshold = threshold
        self.passes = passes
    }
}

/// Runs a policy's detection passes over a turn and returns one detection per stretch of PHI.
///
/// Built once per policy (it resolves which recognizers each pass needs), then used for every turn;
/// it holds no per-turn state, so one pipeline serves concurrent requests.
public struct DetectionPipeline: Sendable {
    struct Stage: Sendable {
        var pass: DetectionPassName
        var recognizers: [any Recognizer]
        /// Kinds this pass may report, with their thresholds.
        var thresholds: [EntityKind: Double]
        /// Each recognizer's skip conditions and name, read once here rather than through its
        /// existential for every turn.
        var gates: [Gate]

        init(pass: DetectionPassName, recognizers: [any Recognizer], thresholds: [EntityKind: Double]) {
            self.pass = pass
            self.recognizers = recognizers
            self.thresholds = thresholds
            gates = recognizers.map { Gate(name: $0.name, minimumDigits: $0.minimumDigits, requiredSymbols: $0.requiredSymbols) }
        }
    }

    struct Gate: Sendable {
        var name: String
        var minimumDigits: Int
        var requiredSymbols: StaticString?
    }

    let stages: [Stage]
    let allowList: AllowList
    public let policy: Policy
    /// Whether the policy's `diarize` pass runs (and `--passes` keeps it): detections are
    /// attributed to speakers (`attributed`).
    public let diarizes: Bool
    /// Different for every pipeline built in this process, so a cache of results (the server's
    /// `DetectionCache`) never answers for one pipeline with another's, even after a policy
    /// reload that kept the policy's name and version.
    public let identity: UInt64

    private static let built = Atomic<UInt64>(0)

    /// - Parameter tagger: the NER back end of the `gemma` pass: by default the embedded model,
    ///   when it loaded (`EmbeddedNER.shared` says why not); without one the pass reports nothing.
    public init(policy: Policy, options: DetectionOptions = DetectionOptions(),
                recognizers: [any Recognizer] = RecognizerCatalog.standard,
                tagger: (any Recognizer)? = EmbeddedNER.recognizer) {
        self.policy = policy
        var stages: [Stage] = []
        for pass in policy.passes where options.passes?.contains(pass.name) ?? true {
            var thresholds: [EntityKind: Double] = [:]
            for (kind, rule) in policy.entities where rule.enabled && pass.covers(kind) {
                let wanted = pass.name == .regex ? rule.regex : (pass.name == .gemma ? rule.ner : false)
                if wanted { thresholds[kind] = options.threshold ?? rule.confidenceThreshold }
            }
            guard !thresholds.isEmpty else { continue }
            let available: [any Recognizer]
            switch pass.name {
            case .regex:
                // The policy's own shapes (`patterns:`) join the built-in recognizers.
                available = recognizers + thresholds.keys.sorted().compactMap { kind in
                    PolicyPatternRecognizer(kind: kind, patterns: policy.entities[kind]?.patterns ?? [])
                }
            case .gemma: available = tagger.map { [$0] } ?? []
            case .diarize: available = []
            }
            let needed = available.filter { !$0.kinds.isDisjoint(with: thresholds.keys) }
            // The gemma stage stays even without a local tagger: an LLM back end can still fill it.
            if !needed.isEmpty || pass.name == .gemma {
                stages.append(Stage(pass: pass.name, recognizers: needed, thresholds: thresholds))
            }
        }
        self.stages = stages
        diarizes = policy.diarizes && options.passes?.contains(.diarize) ?? true
        allowList = AllowList(policy.allow)
        identity = Self.built.add(1, ordering: .relaxed).newValue
    }

    /// What the `gemma` pass looks for under this policy: empty when the policy (or `--passes`)
    /// leaves the pass out, so an LLM back end is asked only when its answer would be used.
    public var gemmaKinds: Set<EntityKind> {
        Set(stages.first { $0.pass == .gemma }?.thresholds.keys ?? [:].keys)
    }

    /// Two spans with nothing between them ("S.|de Vaan") become one, of the more confident kind:
    /// their tokens would otherwise run together in the masked text, where no reader (the
    /// rehydrator included) could tell where one ends and the next begins.
    static func joinTouching(_ detections: [Detection]) -> [Detection] {
        var output: [Detection] = []
        output.reserveCapacity(detections.count)
        for detection in detections {
            if var previous = output.last, previous.end == detection.start {
                if detection.confidence > previous.confidence {
                    previous.kind = detection.kind
                    previous.pass = detection.pass
                    previous.recognizer = detection.recognizer
                }
                previous.confidence = max(previous.confidence, detection.confidence)
                previous.end = detection.end
                output[output.count - 1] = previous
            } else {
                output.append(detection)
            }
        }
        return output
    }

    /// The `diarize` pass: `detections` of `text`, each with who said it. `speaker` is the text's
    /// when the caller knows it (a chat message's role, a recording's turn: audio always carries
    /// its speakers); otherwise, when the pipeline diarizes, read from the text's labels
    /// (`SpeakerLabels`), and `unknown` where there are none. Without either, unchanged.
    public func attributed(_ detections: [Detection], in text: String, speaker: Speaker? = nil) -> [Detection] {
        guard !detections.isEmpty, speaker != nil || diarizes else { return detections }
        let speakers: [Speaker]
        if let speaker {
            speakers = Array(repeating: speaker, count: detections.count)
        } else if let segments = SpeakerLabels.segments(in: text) {
            speakers = SpeakerLabels.speakers(of: detections.map { ($0.start, $0.end) }, in: segments)
        } else {
            speakers = Array(repeating: .unknown, count: detections.count)
        }
        return zip(detections, speakers).map { detection, speaker in
            var detection = detection
            detection.speaker = speaker
            return detection
        }
    }

    /// Passes that will actually look for something under this policy.
    public var activePasses: [DetectionPassName] { stages.filter { !$0.recognizers.isEmpty }.map(\.pass) }

    /// - Parameter gemma: spans an LLM back end proposed for this text (`LLMSpanReply`); when
    ///   given they replace the embedded tagger for this turn and their events name the back end.
    ///
    /// The recognizers read the text normalised (`DetectionText`: compatibility forms, format and
    /// control characters); spans and span text are on `text` as given.
    ///
    /// A token already in the text (a conversation that carries one, a caller who pastes one) is
    /// not PHI: no span covers it, so it reaches the model as it is and is restored, or redacted,
    /// in the answer under the turn's own scope.
    public func detect(_ text: String, gemma: [Candidate]? = nil) -> [Detection] {
        do {
            return try detect(text, gemma: gemma, deadline: nil)
        } catch {
            return [] // unreachable: only a deadline stops the passes
        }
    }

    /// As `detect(_:gemma:)`, stopping with `DetectionTimedOut` when `deadline` passes: the
    /// server's turns run under one (`DetectionDeadline`); the CLI's files do not.
    ///
    /// `repeats: false` leaves out the mentions of a found value that its recognizers missed
    /// (`RepeatedValues`), for a caller that looks for them across all its texts at once (the
    /// proxy's turn, whose texts are one conversation).
    public func detect(_ text: String, gemma: [Candidate]? = nil, deadline: DetectionDeadline?,
                       repeats: Bool = true) throws(DetectionTimedOut) -> [Detection] {
        guard !text.isEmpty else { return [] }
        var found = try detectNormalized(text, gemma: gemma, deadline: deadline)
        guard !found.isEmpty else { return found }
        if TokenScanner.mayContainToken(text) { found = Self.excludingTokens(found, in: text) }
        return repeats ? Self.withRepeats(found, in: text) : found
    }

    /// `detections` with every other mention in `text` of a value they found (`RepeatedValues`).
    public static func withRepeats(_ detections: [Detection], in text: String) -> [Detection] {
        var values = RepeatedValues()
        values.add(detections)
        let repeats = values.repeats(in: text, besides: detections)
        return repeats.isEmpty ? detections : (detections + repeats).sorted { $0.start < $1.start }
    }

    private func detectNormalized(_ text: String, gemma: [Candidate]?, deadline: DetectionDeadline?) throws(DetectionTimedOut) -> [Detection] {
        let normalized = DetectionText(text)
        guard normalized.isNormalized else { return try detect(ScannedText(text), gemma: gemma, deadline: deadline) }
        let candidates = gemma?.map { candidate -> Candidate in
            var moved = candidate
            (moved.start, moved.end) = normalized.normalizedSpan(candidate.start, candidate.end)
            return moved
        }
        var detections = try detect(ScannedText(normalized.text), gemma: candidates, deadline: deadline)
        for index in detections.indices {
            (detections[index].start, detections[index].end) = normalized.originalSpan(detections[index].start, detections[index].end)
        }
        let texts = ScalarSlices.slices(of: text, detections.map { ($0.start, $0.end) })
        for index in detections.indices { detections[index].text = texts[index] }
        return detections
    }

    /// `detections` cut back where they cover a token: the part before or after it stays.
    static func excludingTokens(_ detections: [Detection], in text: String) -> [Detection] {
        let matches = TokenScanner.matches(in: text)
        guard !matches.isEmpty else { return detections }
        // Token spans in scalar offsets (the matches are in UTF-8 bytes).
        var scalarOffsets: [Int: Int] = [:]
        var scalar = 0
        var byte = 0
        let wanted = Set(matches.flatMap { [$0.start, $0.end] })
        for unit in text.unicodeScalars {
            if wanted.contains(byte) { scalarOffsets[byte] = scalar }
            byte += UTF8.width(unit)
            scalar += 1
        }
        if wanted.contains(byte) { scalarOffsets[byte] = scalar }
        let tokens = matches.compactMap { match in scalarOffsets[match.start].flatMap { start in scalarOffsets[match.end].map { (start, $0) } } }
        let slices = { (start: Int, end: Int) in ScalarSlices.slices(of: text, [(start, end)])[0] }
        return detections.compactMap { detection -> Detection? in
            var kept = detection
            for (start, end) in tokens where kept.start < end && kept.end > start {
                if kept.start < start {
                    kept.end = start
                } else if kept.end > end {
                    kept.start = end
                } else {
                    return nil
                }
            }
            guard kept.start != detection.start || kept.end != detection.end else { return kept }
            // What is left of a cut span loses its edges' blanks, and must still hold a character.
            let text = slices(kept.start, kept.end)
            let scalars = text.unicodeScalars
            let leading = scalars.prefix { $0.properties.isWhitespace }.count
            let trailing = scalars.reversed().prefix { $0.properties.isWhitespace }.count
            kept.start += leading
            kept.end -= trailing
            guard kept.end > kept.start else { return nil }
            kept.text = slices(kept.start, kept.end)
            return kept
        }
    }

    public func detect(_ scanned: ScannedText, gemma: [Candidate]? = nil) -> [Detection] {
        do {
            return try detect(scanned, gemma: gemma, deadline: nil)
        } catch {
            return [] // unreachable without a deadline
        }
    }

    public func detect(_ scanned: ScannedText, gemma: [Candidate]? = nil, deadline: DetectionDeadline?) throws(DetectionTimedOut) -> [Detection] {
        var detections: [Detection] = []
        for stage in stages {
            // What earlier passes found, for the NER pass: a shaped identifier (an email, a member
            // id read out letter by letter) outranks a tagger's guess that its words are a name.
            let earlier = stage.pass == .gemma ? detections.count : 0
            // The earlier spans by start, with the furthest end so far, so each candidate finds the
            // spans it overlaps by a binary search instead of a scan: on a long text (10 MB, tens
            // of thousands of spans each side) the scan made the pass quadratic.
            let byStart = earlier > 0 ? detections[0..<earlier].indices.sorted { detections[$0].start < detections[$1].start } : []
            // Searched by the starts as they were when the pass began (widening moves them).
            let starts = byStart.map { detections[$0].start }
            var furthestEnd: [Int] = []
            furthestEnd.reserveCapacity(byStart.count)
            for index in byStart { furthestEnd.append(max(furthestEnd.last ?? 0, detections[index].end)) }
            func overlapping(_ candidate: Candidate) -> [Int] {
                var low = 0, high = byStart.count
                while low < high {
                    let middle = (low + high) / 2
                    if starts[middle] < candidate.end { low = middle + 1 } else { high = middle }
                }
                var found: [Int] = []
                var position = low - 1
                while position >= 0, furthestEnd[position] > candidate.start {
                    let index = byStart[position]
                    if detections[index].end > candidate.start, detections[index].start < candidate.end { found.append(index) }
                    position -= 1
                }
                return found.reversed()
            }
            /// Where a NAME `candidate` starts before an EMAIL it runs into, cut at a token edge:
            /// a spoken local part is often the name itself ("robert cohen seven four at gmail dot
            /// com" is robertcohen74@), so the email reaches back over those words. Nil unless the
            /// name starts before the email and ends inside it, with a word of two letters or more
            /// before it. Other straddling spans measured as the tagger's noise ("slash" before a
            /// spoken URL; "Prescriber DEA MH5790034" as a NAME swallowing a licence).
            func nameRunningInto(_ email: Detection, _ candidate: Candidate) -> Int? {
                guard candidate.kind == .name, email.kind == .email, candidate.start < email.start,
                      candidate.end > email.start, candidate.end <= email.end else { return nil }
                let before = scanned.tokens.filter { $0.kind != .punct && $0.start >= candidate.start && $0.end <= email.start }
                guard let first = before.first, before.contains(where: { $0.kind == .word && $0.letterCount >= 2 }) else { return nil }
                return first.start
            }
            func consider(_ candidate: Candidate, from recognizer: String) {
                guard let threshold = stage.thresholds[candidate.kind], candidate.confidence >= threshold else { return }
                if earlier > 0 {
                    let overlapping = overlapping(candidate)
                    if overlapping.contains(where: { detections[$0].kind != candidate.kind }) {
                        // The earlier span wins, but a name running into an email is part of it:
                        // dropping the NAME over "robert cohen" in "robert cohen seven four at gmail
                        // dot com" (EMAIL from "cohen") leaked "robert".
                        if overlapping.count == 1, let start = nameRunningInto(detections[overlapping[0]], candidate) {
                            detections[overlapping[0]].start = start
                        }
                        return
                    }
                    if !overlapping.isEmpty {
                        // Both passes call this stretch the same kind: one span over both.
                        for index in overlapping {
                            detections[index].start = min(detections[index].start, candidate.start)
                            detections[index].end = max(detections[index].end, candidate.end)
                        }
                        return
                    }
                }
                detections.append(Detection(pass: stage.pass, kind: candidate.kind, start: candidate.start,
                                            end: candidate.end, text: "", confidence: candidate.confidence,
                                            recognizer: recognizer))
            }
            if stage.pass == .gemma, let gemma {
                for candidate in gemma { consider(candidate, from: GemmaBackend.llm.recognizerName) }
                continue
            }
            for (index, gate) in stage.gates.enumerated() where scanned.digitCount >= gate.minimumDigits
                && (gate.requiredSymbols.map { scanned.contains(anyOf: $0) } ?? true) {
                let candidates: [Candidate]
                if let deadline {
                    if deadline.hasPassed { throw DetectionTimedOut(pass: stage.pass, budget: deadline.budget) }
                    candidates = try stage.recognizers[index].recognize(scanned, deadline: deadline)
                } else {
                    candidates = stage.recognizers[index].recognize(scanned)
                }
                for candidate in candidates { consider(candidate, from: gate.name) }
            }
        }
        // Span text is sliced only for the spans the merge keeps, not for every candidate.
        let kept = allowList.filter(SpanMerger.merge(detections), tokens: scanned.tokens)
        return Self.joinTouching(AddressJoiner.join(kept, tokens: scanned.tokens)).map { detection in
            var kept = detection
            kept.text = scanned.text(detection.start, detection.end)
            return kept
        }
    }
}
