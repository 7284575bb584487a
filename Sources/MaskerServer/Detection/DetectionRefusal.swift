import MaskerCore

extension MaskingRuntime {
    /// A turn whose local passes ran past their deadline (`DetectionDeadline`): recorded as a
    /// `detection_fallback` event, the event an LLM back end that failed leaves (an auditor finds
    /// every detection that did not run its course with one query), and refused with 503. Nothing
    /// was sent anywhere: a half-scanned turn is never forwarded.
    func refuse(_ timeout: DetectionTimedOut, audit: AuditScope, policy: Policy) async -> APIError {
        logger.warning("detection deadline passed: \(timeout.description)")
        // Already a refusal: an audit log that cannot take the event changes nothing for the caller.
        try? await record([audit.detectionFallback(reason: timeout.description + "; the turn was refused")], policy: policy, payload: nil)
        return APIError(.serviceUnavailable, "detection_timeout",
                        "\(timeout.description), so nothing was sent to the model or returned; shorten the input, "
                            + "simplify the policy's patterns, or raise MASKER_DETECTION_TIMEOUT_MS")
    }
}
