import MaskerCore

/// Detection for a turn of one or more texts (a chat request's messages), with the `gemma` pass on
/// the LLM endpoint when one is configured and on the embedded model otherwise, or when the
/// endpoint fails: a turn is never held up or lost because the LLM is slow or down.
public struct TurnDetector: Sendable {
    public let endpoint: GemmaEndpoint?
    /// Results for texts seen before (the server's; the CLI reads each input once).
    let cache: DetectionCache?

    public init(endpoint: GemmaEndpoint? = nil) {
        self.init(endpoint: endpoint, cache: nil)
    }

    init(endpoint: GemmaEndpoint?, cache: DetectionCache?) {
        self.endpoint = endpoint
        self.cache = cache
    }

    public struct Result: Sendable {
        /// Detections per text, in the order given.
        public var detections: [[Detection]]
        /// Set when the endpoint was asked and failed: the turn used the embedded model instead.
        public var fallback: GemmaEndpointFailure?
    }

    public func detect(_ texts: [String], pipeline: DetectionPipeline) async -> Result {
        guard let cache else { return await detectAll(texts, pipeline: pipeline) }
        let keys = texts.map { DetectionCache.key($0, pipeline: pipeline.identity) }
        var detections = zip(keys, texts).map { cache.detections(for: $0, in: $1) }
        let missing = detections.indices.filter { detections[$0] == nil }
        guard !missing.isEmpty else { return Result(detections: detections.map { $0 ?? [] }, fallback: nil) }
        let fresh = await detectAll(missing.map { texts[$0] }, pipeline: pipeline)
        for (index, found) in zip(missing, fresh.detections) {
            detections[index] = found
            // A turn the LLM back end failed on is not what this pipeline finds when it answers.
            if fresh.fallback == nil { cache.store(found, for: keys[index]) }
        }
        return Result(detections: detections.map { $0 ?? [] }, fallback: fresh.fallback)
    }

    private func detectAll(_ texts: [String], pipeline: DetectionPipeline) async -> Result {
        let kinds = pipeline.gemmaKinds
        guard let endpoint, !kinds.isEmpty, texts.contains(where: { !$0.isEmpty }) else {
            return Result(detections: texts.map { pipeline.detect($0) }, fallback: nil)
        }
        do {
            let spans = try await endpoint.spans(for: texts, kinds: kinds)
            return Result(detections: zip(texts, spans).map { pipeline.detect($0, gemma: $1) }, fallback: nil)
        } catch {
            endpoint.logger.warning("gemma endpoint failed; the turn used the embedded model", metadata: ["reason": .string(error.reason)])
            return Result(detections: texts.map { pipeline.detect($0) }, fallback: error)
        }
    }

    public func detect(_ text: String, pipeline: DetectionPipeline) async -> Result {
        await detect([text], pipeline: pipeline)
    }
}
