/// Who says what in a transcript written as text, from its speaker labels: `Agent:`, `Caller:`,
/// `Doctor:`, `Patient:`, `Guest_family:`, `[Assistant]:`, `AI Assistant:`.
///
/// A text is read this way only when its labels name both sides. A label is a line's first one
/// to three words followed by a colon, or the same after the end of a sentence on a line that runs
/// speakers together ("… today? Caller: yes, …"; there the label must start with a capital, so
/// "my doctor: he said" stays prose). A label holds until the next one. Its last word decides
/// the speaker ("Guest_family", "AI Assistant", "Agent 2"; "Patient name:" is a field, not a
/// speaker): the caller's side (caller, patient, customer, user, client, member, human, family
/// and relatives) or the agent's (agent, assistant, bot, AI, representative, receptionist,
/// operator, scheduler, doctor, nurse, clinician, physician, provider, pharmacist, staff).
/// Anything else that looks like a label ("Speaker 2:", "Note:") is `unknown`, and so is text
/// before the first label: unknown is always masked, so a label read wrongly masks more.
public enum SpeakerLabels {
    /// Where each speaker's stretch of `text` starts (Unicode-scalar offsets, ascending, the first
    /// at 0), or nil when the text has no label a speaker can be read from.
    public static func segments(in text: String) -> [(start: Int, speaker: Speaker)]? {
        let scalars = Array(text.unicodeScalars)
        var segments: [(start: Int, speaker: Speaker)] = [(0, .unknown)]
        var sides = Set<Speaker>()
        var index = 0
        var lineStart = true
        var afterSentence = false
        while index < scalars.count {
            let scalar = scalars[index]
            if lineStart || afterSentence, !scalar.properties.isWhitespace,
               let label = label(scalars, at: index, capitalised: !lineStart) {
                sides.insert(label.speaker)
                if segments.last?.speaker != label.speaker { segments.append((index, label.speaker)) }
                index = label.end
                lineStart = false
                afterSentence = false
                continue
            }
            if scalar == "\n" || scalar == "\r" {
                lineStart = true
            } else if !scalar.properties.isWhitespace {
                lineStart = false
                afterSentence = scalar == "." || scalar == "?" || scalar == "!"
            }
            index += 1
        }
        // A transcript names both sides. Labels of one side only are more likely a form's field
        // names ("Patient: …", "Member: …") than a conversation, and are not read as speakers.
        guard sides.contains(.caller), sides.contains(.agent) else { return nil }
        if segments.count > 1, segments[1].start == 0 { segments.removeFirst() }
        return segments
    }

    /// The speaker of each of `spans` (half-open scalar offsets) under `segments`: the one stretch
    /// a span lies in, or `unknown` for a span that crosses from one speaker's stretch to another's.
    public static func speakers(of spans: [(start: Int, end: Int)], in segments: [(start: Int, speaker: Speaker)]) -> [Speaker] {
        spans.map { span in
            let first = segments.lastIndex { $0.start <= span.start } ?? 0
            let last = segments.lastIndex { $0.start < span.end } ?? first
            return first == last ? segments[first].speaker : .unknown
        }
    }

    static let callerWords: Set<String> = [
        "caller", "patient", "customer", "user", "client", "member", "human", "family", "guardian", "parent",
        "caregiver", "mother", "father", "daughter", "son", "wife", "husband", "spouse", "partner",
    ]
    static let agentWords: Set<String> = [
        "agent", "assistant", "bot", "ai", "representative", "rep", "receptionist", "operator", "scheduler",
        "doctor", "dr", "nurse", "clinician", "clinican", "physician", "provider", "pharmacist", "staff",
    ]

    /// A label starting at `start`: up to three words of letters (with `_`, `-`, `'` or a space
    /// between them, an optional number after, optional brackets around) then `:` and a blank or
    /// the end of the text.
    private static func label(_ scalars: [Unicode.Scalar], at start: Int, capitalised: Bool) -> (speaker: Speaker, end: Int)? {
        var index = start
        if scalars[index] == "[" || scalars[index] == "(" { index += 1 }
        guard index < scalars.count, scalars[index].properties.isAlphabetic else { return nil }
        if capitalised, !scalars[index].properties.isUppercase { return nil }
        var words: [String] = [""]
        while index < scalars.count, index - start <= 32 {
            let scalar = scalars[index]
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                words[words.count - 1].unicodeScalars.append(scalar)
            } else if scalar == "_" || scalar == "-" || scalar == " " || scalar == "'" || scalar == "’" {
                if !words[words.count - 1].isEmpty { words.append("") }
            } else {
                break
            }
            index += 1
        }
        if index < scalars.count, scalars[index] == "]" || scalars[index] == ")" { index += 1 }
        guard index < scalars.count, scalars[index] == ":" else { return nil }
        let end = index + 1
        guard end == scalars.count || scalars[end].properties.isWhitespace else { return nil }
        let named = words.filter { !$0.isEmpty && !$0.allSatisfy(\.isNumber) }.map { $0.lowercased() }
        guard (1...3).contains(named.count), let head = named.last else { return nil }
        // The last word names who speaks ("Guest_family", "AI Assistant", "Agent 2"); a field name
        // that only starts with one ("Patient name:", "Doctor notes:") is nobody known.
        let speaker: Speaker = callerWords.contains(head) ? .caller : (agentWords.contains(head) ? .agent : .unknown)
        return (speaker, end)
    }
}
