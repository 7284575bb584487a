import MaskerCore
import Testing

struct SpeakerLabelsTests {
    /// The speaker of each stretch, as (label text that starts it, speaker).
    private func stretches(_ text: String) -> [(String, Speaker)]? {
        SpeakerLabels.segments(in: text)?.map { segment in
            let rest = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(segment.start)))
            return (String(rest.prefix(while: { $0 != ":" })), segment.speaker)
        }
    }

    @Test func aTranscriptsLabelsNameItsSpeakers() throws {
        let text = "Agent: Thanks for calling Sunrise Clinic.\nCaller: Hi, it's Maria Lopez.\nAgent: What is your date of birth?\nCaller: March 3rd 1980.\n"
        let found = try #require(stretches(text))
        #expect(found.map(\.1) == [.agent, .caller, .agent, .caller])
        #expect(found.map(\.0) == ["Agent", "Caller", "Agent", "Caller"])
    }

    @Test func clinicalDialogueLabelsAreReadByTheirLastWord() throws {
        // MTS-Dialog's labels: the family speaks for the patient, a guest clinician for the clinic.
        let text = "Doctor: How is he?\nGuest_family: Better, thanks.\nGuest_clinician: Vitals are fine.\nPatient: I feel okay.\n[AI Assistant]: Noted.\n"
        #expect(try #require(stretches(text)).map(\.1) == [.agent, .caller, .agent, .caller, .agent])
    }

    @Test func aFieldNameThatStartsWithASpeakerWordIsNoSpeaker() throws {
        let text = "Agent: Let me read it back.\nPatient name: Maria Lopez\nCaller: Yes.\n"
        let found = try #require(stretches(text))
        #expect(found.map(\.1) == [.agent, .unknown, .caller])
    }

    @Test func labelsOfOneSideOnlyAreAFormNotAConversation() {
        #expect(SpeakerLabels.segments(in: "Provider: Dr. Jane Roe\nPhysician: Dr. Sam Poe\n") == nil)
        #expect(SpeakerLabels.segments(in: "Patient: Maria Lopez\nMember: 12345\n") == nil)
        #expect(SpeakerLabels.segments(in: "no labels at all, my number is 555-0100") == nil)
    }

    @Test func textBeforeTheFirstLabelAndUnknownLabelsAreUnknown() throws {
        let text = "Call 4411 transcript\nAgent: Hello.\nSpeaker 2: Hi.\nCaller: It's me.\n"
        #expect(try #require(stretches(text)).map(\.1) == [.unknown, .agent, .unknown, .caller])
    }

    @Test func speakersRunTogetherOnOneLineAreSplitAfterASentence() throws {
        let text = "Agent: How can I help you today? Caller: my doctor: he said to call. Agent: Sure."
        let found = try #require(stretches(text))
        // "my doctor:" is lower case, inside a sentence: prose, not a label.
        #expect(found.map(\.1) == [.agent, .caller, .agent])
    }

    @Test func aSpanIsItsStretchsSpeakerAndOneCrossingTwoIsUnknown() throws {
        let text = "Agent: Hi.\nCaller: Maria.\n"
        let segments = try #require(SpeakerLabels.segments(in: text))
        let caller = text.unicodeScalars.count - 7 // "Maria."
        #expect(SpeakerLabels.speakers(of: [(0, 5), (caller, caller + 5), (4, caller + 2)], in: segments) == [.agent, .caller, .unknown])
    }

    @Test func chatRolesAreSpeakers() {
        #expect(Speaker(role: "user") == .caller)
        #expect(Speaker(role: "assistant") == .agent)
        for role in ["system", "developer", "tool", "function", "anything"] { #expect(Speaker(role: role) == .unknown) }
    }
}
