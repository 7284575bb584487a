import MaskerCore

/// Detection for a turn of one or more texts (a chat request's messages), with the `gemma` pass on
/// the LLM endpoint when one is configured and on the embedded model otherwise, or when the
/// endpoint fails: a turn is never held up or lost because the LLM is slow or down.
public struct TurnDetector: Sendable {
    public let endpoint: GemmaEndpoint?

    public init(endpoint: GemmaEndpoint? = nil) {
        self.endpoint = endpoint
    }

    public struct Result: Sendable {
        /// Detections per text, in the order given.
        public var detections: [[Detection]]
        /// Set when the endpoint was asked and failed: the turn used the embedded model instead.
        public var fallback: GemmaEndpointFailure?
    }

    public func detect(_ texts: [String], pipeline: DetectionPipeline) async -> Result {
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
