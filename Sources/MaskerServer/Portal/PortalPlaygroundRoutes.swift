import Foundation
import Hummingbird
import MaskerCore
import MaskerStore

/// `/playground` ("Try it"): paste text or a JSON document, pick a policy (the server's, the
/// built-in one, or any agent's of the account), and see what Masker finds and what each scheme
/// makes of it: the detections highlighted with their pass and confidence, the masked text the
/// model would see, its round trip back, and the synthetic version. A JSON object or array is
/// masked as data, each value read with its key as context (`JSONDocument`), as the proxy and
/// `masker mask` do, and keeps its shape.
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
                return PortalResponse.page("playground", try await model(session, text: "", policyChoice: "server"))
            }
        }
        router.post("playground") { request, _ in try await PortalHandler.run { try await run(request) } }
    }

    private func run(_ request: Request) async throws -> Response {
        let session = try await PortalSession.require(request, store: store)
        let form = try await PortalForm.read(request, limit: Self.maxText * 4)
        try PortalSession.checkCSRF(form, session)
        let text = form["text"] ?? ""
        let choice = form["policy"] ?? "server"
        var model = try await model(session, text: text, policyChoice: choice)
        guard text.unicodeScalars.count <= Self.maxText else {
            model["problem"] = "The text is longer than \(Self.maxText / 1024) KiB; try a shorter piece."
            return PortalResponse.page("playground", model, status: .contentTooLarge)
        }
        guard !text.isEmpty else { return PortalResponse.page("playground", model) }
        let state = try await policyState(choice, account: session.account.id)
        let document = JSONDocument.parse(text)
        let texts = document.map(JSONDocument.texts) ?? [KeyedValue(plain: text)]
        var speakers = ConversationSpeakers(pipeline: state.pipeline)
        let detections = speakers.apply(texts.map { keyed in
            ConversationSpeakers.Text(keyed.value, detections: keyed.detections(state.pipeline.detect(keyed.detectionText), policy: state.policy))
        })
        let scheme = ReversibleAEADScheme(kid: state.policy.kid, keyRing: runtime.keyRing, scope: "playground:" + ServerSecrets.make(prefix: ""))
        var masked: [String] = [], synthetic: [String] = []
        do {
            let tokens = Masker(policy: state.policy, scheme: scheme)
            let surrogates = Masker(policy: state.policy,
                                    synthetic: try runtime.syntheticSessions().session("playground:\(session.account.id)", policy: state.policy))
            for (keyed, found) in zip(texts, detections) {
                masked.append(try await tokens.mask(keyed.value, detections: found).masked)
                synthetic.append(try await surrogates.mask(keyed.value, detections: found).masked)
            }
        } catch {
            throw PortalError(.serviceUnavailable, "The policy's key (\(state.policy.kid)) is not loaded on this server, so nothing could be masked.")
        }
        let rehydrator = Rehydrator(schemes: [scheme])
        var restored: [String] = []
        for text in masked { restored.append(await rehydrator.rehydrate(text).text) }
        func whole(_ outputs: [String]) -> String {
            document.map { JSONDocument.rewrite($0, with: outputs).serialized(indent: 2) } ?? outputs[0]
        }
        model["ran"] = true
        model["isDocument"] = document != nil
        model["diarizes"] = state.pipeline.diarizes
        model["pieces"] = zip(texts, detections).compactMap { keyed, found -> [String: Any]? in
            guard document == nil || !found.isEmpty else { return nil }
            return ["context": keyed.context ?? "", "segments": Self.segments(keyed.value, found)]
        }
        let events = zip(texts, detections).flatMap { keyed, found in
            found.map { detection -> [String: Any] in
                ["kind": detection.kind.rawValue, "pass": detection.pass.rawValue, "confidence": String(format: "%.2f", detection.confidence),
                 "span": "\(detection.start)–\(detection.end)", "text": detection.text, "context": keyed.context ?? "",
                 "speaker": detection.speaker.map { $0.rawValue + (detection.keptForSpeaker ? " (kept)" : "") } ?? ""]
            }
        }
        model["events"] = events
        model["hasEvents"] = !events.isEmpty
        model["masked"] = whole(masked)
        model["restored"] = whole(restored)
        model["roundTrips"] = restored == texts.map(\.value)
        model["synthetic"] = whole(synthetic)
        model["policyName"] = state.policy.name
        return PortalResponse.page("playground", model)
    }

    /// `server`, `builtin`, or `agent:<id>` of this account (its own policy, or the one it names).
    private func policyState(_ choice: String, account: String) async throws -> MaskingRuntime.PolicyState {
        if choice == "builtin" { return MaskingRuntime.PolicyState(.healthcareDefault) }
        guard choice.hasPrefix("agent:") else { return runtime.policyState }
        guard let agent = try await dbCall({ try await store.agent(id: String(choice.dropFirst(6)), accountID: account) }) else {
            throw PortalError(.notFound, "No such agent in this account.")
        }
        do {
            return try runtime.policyState(for: agent)
        } catch {
            throw PortalError(.unprocessableContent, "This agent's stored policy no longer validates; edit the agent.")
        }
    }

    private func model(_ session: LoginSession, text: String, policyChoice: String) async throws -> [String: Any] {
        var model = PortalSession.frame(session, title: "Try it", section: "playground")
        let agents = try await dbCall { try await store.agents(accountID: session.account.id) }
        model["text"] = text
        model["serverPolicy"] = runtime.policyState.policy.name
        model["builtinPolicy"] = Policy.healthcareDefault.name
        model["server"] = policyChoice != "builtin" && !policyChoice.hasPrefix("agent:")
        model["builtin"] = policyChoice == "builtin"
        model["agents"] = agents.map { ["value": "agent:\($0.id)", "name": $0.name, "checked": policyChoice == "agent:\($0.id)"] }
        return model
    }

    static func segments(_ text: String, _ detections: [Detection]) -> [[String: Any]] {
        Highlight.segments(text, detections.map {
            Highlight.Mark(start: $0.start, end: $0.end, kind: $0.kind.rawValue, pass: $0.pass.rawValue, confidence: $0.confidence)
        })
    }
}
