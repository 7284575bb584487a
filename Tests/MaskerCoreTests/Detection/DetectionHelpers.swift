import MaskerCore

/// Runs the regex pass of the default policy and returns "KIND:text" for each detection.
func found(_ text: String, threshold: Double? = nil) -> [String] {
    let pipeline = DetectionPipeline(policy: .healthcareDefault, options: DetectionOptions(threshold: threshold))
    return pipeline.detect(text).map { "\($0.kind.rawValue):\($0.text)" }
}
