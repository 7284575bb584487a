/// The `diarize` pass over a conversation: who said each span (`DetectionPipeline.attributed`), and
/// the policy's `mask_speakers` (`- diarize: {mask_speakers: [caller]}`) applied: spans said by a
/// speaker whose lines are not masked (the agent's scripted "our number is 555-0100") are kept in
/// the text (`Detection.keptForSpeaker`), everything else is masked.
///
/// Privacy first, two rules keep this from leaking what the caller said:
/// - `unknown` is always masked: a system prompt, a tool's result, an unlabelled line;
/// - an agent reads back what it was told ("Thanks, Sarah. I have 415-555-2671."), so a span of an
///   unmasked speaker is still masked when it repeats a value masked anywhere in the conversation
///   so far (`EchoedValues`): the same value however it was written, a number that contains or is
///   contained in a masked one (four digits or more: "the card ending 4242"), a name or address
///   sharing a word with a masked name or address.
///
/// One per conversation: a proxied turn (whose request carries the whole call), a transcript, a
/// recording's turns. Texts given in one `apply` count as one exchange: every masked value in any
/// of them counts before any span is kept; a later `apply` remembers the values of earlier ones.
public struct ConversationSpeakers: Sendable {
    /// One text of the conversation with what was found in it, and its speaker when the caller
    /// knows it (a chat message's role, a recording's turn); nil: read from its labels.
    public struct Text: Sendable {
        public var text: String
        public var detections: [Detection]
        public var speaker: Speaker?

        public init(_ text: String, detections: [Detection], speaker: Speaker? = nil) {
            self.text = text
            self.detections = detections
            self.speaker = speaker
        }
    }

    private let pipeline: DetectionPipeline
    /// Speakers whose spans are masked, always with `unknown`; nil: everyone's (the default).
    public let masked: Set<Speaker>?
    private var echoed = EchoedValues()

    public init(pipeline: DetectionPipeline) {
        self.pipeline = pipeline
        masked = pipeline.diarizes ? pipeline.policy.maskedSpeakers.map { Set($0).union([.unknown]) } : nil
    }

    /// Whether some speaker's lines are left alone, so each exchange must be read whole.
    public var keepsSomeSpeaker: Bool { masked != nil }

    /// Each text's detections, attributed, with the spans of unmasked speakers that repeat nothing
    /// masked marked kept.
    public mutating func apply(_ texts: [Text]) -> [[Detection]] {
        let attributed = texts.map { pipeline.attributed($0.detections, in: $0.text, speaker: $0.speaker) }
        guard let masked else { return attributed }
        for detection in attributed.joined() where masked.contains(detection.speaker ?? .unknown) { echoed.add(detection) }
        return attributed.map { detections in
            detections.map { detection in
                var detection = detection
                detection.keptForSpeaker = !masked.contains(detection.speaker ?? .unknown) && !echoed.repeats(detection)
                return detection
            }
        }
    }

    /// One text (`apply` for a single text).
    public mutating func apply(_ text: String, detections: [Detection], speaker: Speaker? = nil) -> [Detection] {
        apply([Text(text, detections: detections, speaker: speaker)])[0]
    }
}

/// What a conversation has masked so far, in forms an echo can be matched against. Holds values
/// in memory only, for one conversation, like the detections it is built from.
struct EchoedValues: Sendable {
    private var values: Set<String> = []
    private var numbers: Set<String> = []
    private var words: Set<String> = []

    /// Dates of birth and other dates, phones and faxes compare as one family: an agent's "your
    /// appointment on March 3rd, 1980" may be a DATE where the caller's was a DOB.
    private static func family(_ kind: EntityKind) -> EntityKind {
        switch kind {
        case .dob: return .date
        case .fax: return .phone
        default: return kind
        }
    }

    private static func forms(_ detection: Detection) -> (value: String, digits: String, words: [String]) {
        let kind = family(detection.kind)
        let value = ValueNormalizer.normalize(detection.text, kind: kind)
        var digits = String(value.unicodeScalars.filter { $0.properties.numericType == .decimal }.map(Character.init))
        if kind == .phone, digits.count == 11, digits.hasPrefix("1") { digits.removeFirst() }
        var words: [String] = []
        if kind == .name || kind == .address {
            words = detection.text.lowercased().split { !$0.isLetter }.map(String.init).filter { $0.count >= 2 }
        }
        return ("\(kind.rawValue):\(value)", digits, words)
    }

    mutating func add(_ detection: Detection) {
        let forms = Self.forms(detection)
        values.insert(forms.value)
        if forms.digits.count >= 4 { numbers.insert(forms.digits) }
        words.formUnion(forms.words)
    }

    func repeats(_ detection: Detection) -> Bool {
        let forms = Self.forms(detection)
        if values.contains(forms.value) { return true }
        if forms.digits.count >= 4, numbers.contains(where: { $0.contains(forms.digits) || forms.digits.contains($0) }) { return true }
        return forms.words.contains(where: words.contains)
    }
}
