/// Who said a stretch of a conversation: the caller (the patient, or whoever phoned), the agent
/// (the voice agent, or the clinic's person on the line), or `unknown` when nothing says who: a
/// system prompt, a tool's result, an unlabelled line, a mono recording not diarized.
///
/// `unknown` is always masked, whatever the policy's `mask_speakers` says: text nobody can
/// attribute is PHI until proven otherwise.
public enum Speaker: String, Sendable, Equatable, Hashable, CaseIterable, Comparable {
    case caller, agent, unknown

    /// Canonical order: caller, agent, unknown.
    public static func < (lhs: Speaker, rhs: Speaker) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The speaker of an OpenAI chat message's role: `user` is the caller, `assistant` the agent;
    /// `system`, `developer`, `tool` and `function` carry what the platform or a tool put there (a
    /// patient's record, a calendar) and are nobody's speech.
    public init(role: String) {
        switch role {
        case "user": self = .caller
        case "assistant": self = .agent
        default: self = .unknown
        }
    }
}
