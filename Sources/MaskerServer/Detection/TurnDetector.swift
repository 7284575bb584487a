import MaskerCore

/// Detection for a turn of one or more texts (a chat request's messages), with the `gemma` pass on
/// the LLM endpoint when one is configured and on the embedded model otherwise, or when the
/// endpoint fails: a turn is never held up or lost because the LLM is slow or down.
///
/// On the server, the local passes of a turn run under a `DetectionDeadline` (`localTimeout`, the
/// same `MASKER_DETECTION_TIMEOUT_MS`, counted after any wait for the endpoint): past it `detect`
/// throws and the turn is refused. The CLI's files run without one.
public struct TurnDetector: Sendable {
    public let endpoint: GemmaEndpoint?
    /// Results for texts seen before (the server's; the CLI reads each input once).
    let cache: DetectionCache?
    let localTimeout: Duration?
    /// The server's: one account's turns run their passes on at most all cores but one.
    let slots: DetectionSlots?

    public init(endpoint: GemmaEndpoint? = nil) {
        self.init(endpoint: endpoint, cache: nil, localTimeout: nil)
    }

    init(endpoint: GemmaEndpoint?, cache: DetectionCache?, localTimeout: Duration? = nil, slots: DetectionSlots? = nil) {
        self.endpoint = endpoint
        self.cache = cache
        self.localTimeout = localTimeout
        self.slots = slots
    }

    public struct Result: Sendable {
        /// Detections per text, in the order given.
        public var detections: [[Detection]]
        /// Set when the endpoint was asked and failed: the turn used the embedded model instead.
        public var fallback: GemmaEndpointFailure?
    }

    /// `account`: whose turn it is, for `DetectionSlots` (the CLI's detector has none).
    /// `repeats`: each text's mentions of a value it found that its recognizers missed
    /// (`RepeatedValues`); false for a caller that looks for them across all its texts at once
    /// (`RequestMasking`). The cache keeps what the recognizers found, without repeats.
    public func detect(_ texts: [String], pipeline: DetectionPipeline, account: String? = nil,
                       repeats: Bool = true) async throws(DetectionTimedOut) -> Result {
        var result = try await recognized(texts, pipeline: pipeline, account: account)
        if repeats {
            for index in result.detections.indices where !result.detections[index].isEmpty {
                result.detections[index] = DetectionPipeline.withRepeats(result.detections[index], in: texts[index])
            }
        }
        return result
    }

    /// What the recognizers find in each text, from the cache when it has it.
    private func recognized(_ texts: [String], pipeline: DetectionPipeline, account: String?) async throws(DetectionTimedOut) -> Result {
        guard let cache else { return try await detectAll(texts, pipeline: pipeline, account: account) }
        let keys = texts.map { DetectionCache.key($0, pipeline: pipeline.identity) }
        var detections = zip(keys, texts).map { cache.detections(for: $0, in: $1) }
        let missing = detections.indices.filter { detections[$0] == nil }
        guard !missing.isEmpty else { return Result(detections: detections.map { $0 ?? [] }, fallback: nil) }
        let fresh = try await detectAll(missing.map { texts[$0] }, pipeline: pipeline, account: account)
        for (index, found) in zip(missing, fresh.detections) {
            detections[index] = found
            // A turn the LLM back end failed on is not what this pipeline finds when it answers.
            if fresh.fallback == nil { cache.store(found, for: keys[index]) }
        }
        return Result(detections: detections.map { $0 ?? [] }, fallback: fresh.fallback)
    }

    private func detectAll(_ texts: [String], pipeline: DetectionPipeline, account: String?) async throws(DetectionTimedOut) -> Result {
        let kinds = pipeline.gemmaKinds
        guard let endpoint, !kinds.isEmpty, texts.contains(where: { !$0.isEmpty }) else {
            return Result(detections: try await local(texts, gemma: nil, pipeline: pipeline, account: account), fallback: nil)
        }
        let spans: [[Candidate]]
        do {
            spans = try await endpoint.spans(for: texts, kinds: kinds)
        } catch {
            endpoint.logger.warning("gemma endpoint failed; the turn used the embedded model", metadata: ["reason": .string(error.reason)])
            return Result(detections: try await local(texts, gemma: nil, pipeline: pipeline, account: account), fallback: error)
        }
        return Result(detections: try await local(texts, gemma: spans, pipeline: pipeline, account: account), fallback: nil)
    }

    /// The local passes, in one of the account's slots when there are slots.
    private func local(_ texts: [String], gemma: [[Candidate]]?, pipeline: DetectionPipeline,
                       account: String?) async throws(DetectionTimedOut) -> [[Detection]] {
        guard let slots, let account else { return try local(texts, gemma: gemma, pipeline: pipeline) }
        return try await slots.run(account: account) { () throws(DetectionTimedOut) in try local(texts, gemma: gemma, pipeline: pipeline) }
    }

    /// The local passes over every text, under one deadline for the turn when there is a timeout.
    private func local(_ texts: [String], gemma: [[Candidate]]?, pipeline: DetectionPipeline) throws(DetectionTimedOut) -> [[Detection]] {
        let deadline = localTimeout.map { DetectionDeadline(timeout: $0, textBytes: texts.reduce(0) { $0 + $1.utf8.count }) }
        var detections: [[Detection]] = []
        detections.reserveCapacity(texts.count)
        for (index, text) in texts.enumerated() {
            detections.append(try pipeline.detect(text, gemma: gemma?[index], deadline: deadline, repeats: false))
        }
        return detections
    }

    public func detect(_ text: String, pipeline: DetectionPipeline, account: String? = nil) async throws(DetectionTimedOut) -> Result {
        try await detect([text], pipeline: pipeline, account: account)
    }
}
