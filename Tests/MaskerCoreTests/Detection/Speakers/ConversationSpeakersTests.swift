import MaskerCore
import Testing

struct ConversationSpeakersTests {
    static func policy(maskSpeakers: [Speaker]?, diarize: Bool = true) -> Policy {
        var policy = Policy.healthcareDefault
        if diarize { policy.passes.append(DetectionPass(.diarize, maskSpeakers: maskSpeakers)) }
        return policy
    }

    /// Each detection of the conversation as "speaker KIND:text" plus " kept" when left in the text.
    private func outcome(_ texts: [(String, Speaker?)], policy: Policy) -> [String] {
        let pipeline = DetectionPipeline(policy: policy)
        var speakers = ConversationSpeakers(pipeline: pipeline)
        return speakers.apply(texts.map { ConversationSpeakers.Text($0.0, detections: pipeline.detect($0.0), speaker: $0.1) })
            .joined().map { "\($0.speaker?.rawValue ?? "-") \($0.kind.rawValue):\($0.text)\($0.keptForSpeaker ? " kept" : "")" }
    }

    @Test func theAgentsOwnScriptIsKeptAndTheCallersWordsAreMasked() {
        let found = outcome([("You have reached the clinic, our fax is 617-555-0188.", .agent),
                             ("my number is 415-555-2671", .caller)], policy: Self.policy(maskSpeakers: [.caller]))
        #expect(found == ["agent FAX:617-555-0188 kept", "caller PHONE:415-555-2671"])
    }

    @Test func anAgentReadingBackWhatTheCallerSaidIsMasked() {
        let found = outcome([("my number is four one five five five five two six seven one and my email is maria.lopez@example.com", .caller),
                             ("Thanks. I have 415-555-2671, and maria.lopez@example.com. Our office line is 617-555-0100.", .agent)],
                            policy: Self.policy(maskSpeakers: [.caller]))
        #expect(found.filter { $0.hasPrefix("agent") } == ["agent PHONE:415-555-2671", "agent EMAIL:maria.lopez@example.com",
                                                           "agent PHONE:617-555-0100 kept"])
    }

    @Test func aValueMaskedAnywhereInTheExchangeCountsEvenWhenTheAgentSaysItFirst() {
        // A system prompt (nobody's speech) names the patient and her card; the agent's first line uses both.
        let found = outcome([("Is this the cardholder of the card ending 4242 4242?", .agent),
                             ("Patient card number 4111 1111 4242 4242.", .unknown)],
                            policy: Self.policy(maskSpeakers: [.caller]))
        #expect(!found.contains { $0.hasSuffix(" kept") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("unknown ") })
    }

    @Test func laterTextsRememberWhatEarlierOnesMasked() {
        let pipeline = DetectionPipeline(policy: Self.policy(maskSpeakers: [.caller]))
        var speakers = ConversationSpeakers(pipeline: pipeline)
        let caller = "my member id is W123456789"
        _ = speakers.apply(caller, detections: pipeline.detect(caller), speaker: .caller)
        let agent = "I found member W123456789 and our clinic fax 617-555-0188"
        let kept = speakers.apply(agent, detections: pipeline.detect(agent), speaker: .agent).map(\.keptForSpeaker)
        #expect(kept == [false, true])
    }

    @Test func labelsAttributeATranscriptAndUnlabelledTextIsAlwaysMasked() {
        let transcript = "Agent: Thanks for calling, our fax is 617-555-0188.\nCaller: This is 415-555-2671.\n"
        let found = outcome([(transcript, nil), ("call back 212-555-0199", nil)], policy: Self.policy(maskSpeakers: [.caller]))
        #expect(found == ["agent FAX:617-555-0188 kept", "caller PHONE:415-555-2671", "unknown PHONE:212-555-0199"])
    }

    @Test func withoutMaskSpeakersEverySpeakerIsMaskedAndStillNamed() {
        let found = outcome([("Agent: our fax is 617-555-0188.\nCaller: mine is 415-555-2671.\n", nil)], policy: Self.policy(maskSpeakers: nil))
        #expect(found == ["agent FAX:617-555-0188", "caller PHONE:415-555-2671"])
    }

    @Test func withoutTheDiarizePassNothingIsAttributedUnlessTheSpeakerIsKnown() {
        let policy = Self.policy(maskSpeakers: nil, diarize: false)
        #expect(outcome([("Agent: our fax is 617-555-0188.\nCaller: mine is 415-555-2671.\n", nil)], policy: policy)
            == ["- FAX:617-555-0188", "- PHONE:415-555-2671"])
        // A recording's turn knows its speaker: audio always carries it.
        #expect(outcome([("mine is 415-555-2671", .caller)], policy: policy) == ["caller PHONE:415-555-2671"])
    }

    @Test func aKeptSpanIsLeftInTheTextAndReportedAsPassthrough() async throws {
        let policy = Self.policy(maskSpeakers: [.caller])
        let pipeline = DetectionPipeline(policy: policy)
        var speakers = ConversationSpeakers(pipeline: pipeline)
        let text = "Agent: our fax is 617-555-0188.\nCaller: mine is 415-555-2671.\n"
        let detections = speakers.apply(text, detections: pipeline.detect(text))
        let masker = Masker(policy: policy, scheme: ReversibleAEADScheme(kid: policy.kid, keyRing: keyRing(["MASKER_KEY_\(policy.kid)": testKey])))
        let result = try await masker.mask(text, detections: detections)
        #expect(result.masked.contains("617-555-0188"))
        #expect(!result.masked.contains("415-555-2671"))
        #expect(result.replacements.map(\.action) == [.passthrough, .tokenize])
        let events = AuditScope(sessionID: nil, agentID: nil, policy: policy).redactions(result, tokenization: .reversibleAEAD)
        #expect(events.map { $0.detail.first { $0.0 == "speaker" }?.1 } == [.string("agent"), .string("caller")])
        #expect(events.map(\.tokenKind) == ["passthrough", "reversible-aead"])
    }
}
