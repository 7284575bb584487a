import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/playground` ("Try it"): paste text, pick a policy, and see what Masker finds and what each
/// scheme makes of it: the detections highlighted with their pass and confidence, the masked text
/// the model would see, its round trip back, and the synthetic version.
///
/// Nothing is stored: tokens are minted with the reversible-AEAD scheme (the value travels inside
/// the token, encrypted) under a scope made for this one request, and restored from the page's own
/// masked text. Nothing is written to the vault or the audit log, and the text is never logged.
/// The local passes run (the regex pass and the embedded NER model), not an LLM endpoint.
struct PortalPlaygroundRoutes {
    let store: any ServerStore
    let runtime: MaskingRuntime

    static let maxText = 16 * 1024

    func register(_ router: Router<MaskerRequestContext>) {
        router.get("playground") { request, _ in
            try await PortalHandler.run {
                let session = try await PortalSession.require(request, store: store)
                return PortalResponse.page("playground", model(session, text: "", policyChoice: "server"))
            }
        }
        router.post("playground") { request, _ in try await PortalHandler.run { try await run(request) } }
    }

    private func run(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request, limit: Self.maxText * 4)
        try PortalSession.checkCSRF(form, session)
        let text = form["text"] ?? ""
        let choice = form["policy"] == "builtin" ? "builtin" : "server"
        var model = model(session, text: text, policyChoice: choice)
        guard text.unicodeScalars.count <= Self.maxText else {
            model["problem"] = "The text is longer than \(Self.maxText / 1024) KiB; try a shorter piece."
            return PortalResponse.page("playground", model, status: .contentTooLarge)
        }
        guard !text.isEmpty else { return PortalResponse.page("playground", model) }
        let state = choice == "builtin" ? MaskingRuntime.PolicyState(.healthcareDefault) : runtime.policyState
        let detections = state.pipeline.detect(text)
        let scheme = ReversibleAEADScheme(kid: state.policy.kid, keyRing: runtime.keyRing, scope: "playground:" + ServerSecrets.make(prefix: ""))
        let masked: String
        do {
            masked = try await Masker(policy: state.policy, scheme: scheme).mask(text, detections: detections).masked
        } catch {
            throw PortalError(.serviceUnavailable, "The policy's key (\(state.policy.kid)) is not loaded on this server, so nothing could be masked.")
        }
        let restored = await Rehydrator(schemes: [scheme]).rehydrate(masked).text
        let synthetic = try await Masker(policy: state.policy,
                                         synthetic: try runtime.syntheticSessions().session("playground:\(session.account.id)", policy: state.policy))
            .mask(text, detections: detections).masked
        model["ran"] = true
        model["segments"] = Self.segments(text, detections)
        model["events"] = detections.map { detection in
            ["kind": detection.kind.rawValue, "pass": detection.pass.rawValue, "confidence": String(format: "%.2f", detection.confidence),
             "span": "\(detection.start)–\(detection.end)", "text": detection.text] as [String: Any]
        }
        model["hasEvents"] = !detections.isEmpty
        model["masked"] = masked
        model["restored"] = restored
        model["roundTrips"] = restored == text
        model["synthetic"] = synthetic
        model["policyName"] = state.policy.name
        return PortalResponse.page("playground", model)
    }

    private func model(_ session: LoginSession, text: String, policyChoice: String) -> [String: Any] {
        var model = PortalSession.frame(session, title: "Try it", section: "playground")
        model["text"] = text
        model["serverPolicy"] = runtime.policyState.policy.name
        model["builtinPolicy"] = Policy.healthcareDefault.name
        model["server"] = policyChoice == "server"
        model["builtin"] = policyChoice == "builtin"
        return model
    }

    /// The text cut at the detections' edges: plain pieces and marked ones (kind, pass, confidence),
    /// for the template to escape and wrap.
    static func segments(_ text: String, _ detections: [Detection]) -> [[String: Any]] {
        let scalars = Array(text.unicodeScalars)
        var segments: [[String: Any]] = []
        var cursor = 0
        func slice(_ from: Int, _ to: Int) -> String { String(String.UnicodeScalarView(scalars[from..<to])) }
        for detection in detections.sorted(by: { $0.start < $1.start }) where detection.start >= cursor && detection.end <= scalars.count {
            if detection.start > cursor { segments.append(["plain": slice(cursor, detection.start)]) }
            segments.append(["mark": slice(detection.start, detection.end), "kind": detection.kind.rawValue,
                             "pass": detection.pass.rawValue, "confidence": String(format: "%.2f", detection.confidence)])
            cursor = detection.end
        }
        if cursor < scalars.count { segments.append(["plain": slice(cursor, scalars.count)]) }
        return segments
    }
}
