/// A span a recognizer proposes, before thresholds and merging.
public struct Candidate: Sendable, Equatable {
    public var kind: EntityKind
    public var start: Int
    public var end: Int
    public var confidence: Double

    public init(kind: EntityKind, start: Int, end: Int, confidence: Double) {
        self.kind = kind
        self.start = start
        self.end = end
        self.confidence = min(max(confidence, 0), 1)
    }
}

/// One detector for one kind of identifier (sometimes two related kinds: PHONE/FAX, DATE/DOB),
/// holding its patterns, context words and validator together in one file.
///
/// Recognizers scan the normalised tokens of `ScannedText` rather than running regular
/// expressions: spoken forms are already canonical, spans come from the tokens, and a token loop
/// is far faster than Swift `Regex` or NSRegularExpression on the per-turn hot path.
public protocol Recognizer: Sendable {
    /// Stable name for evaluation breakdowns, e.g. `phone`.
    var name: String { get }
    /// The kinds it can emit; the pipeline runs it only when the policy wants one of them.
    /// Built-in recognizers compute it rather than store it: a stored `Set` is a reference, and the
    /// pipeline copies each recognizer's existential for every turn, so it cost a retain and a
    /// release per recognizer per turn.
    var kinds: Set<EntityKind> { get }
    /// The fewest digits a turn must hold for this recognizer to find anything (an SSN needs 9):
    /// the pipeline skips it otherwise, which is most turns of a conversation.
    var minimumDigits: Int { get }
    /// Punctuation the turn must contain, any one of these characters (`@` for an email, `.:` for
    /// a URL's domain or scheme), or nil: the pipeline skips the recognizer otherwise.
    var requiredSymbols: StaticString? { get }
    func recognize(_ text: ScannedText) -> [Candidate]
    /// As `recognize`, stopping when `deadline` passes. Only a recognizer whose cost is in a
    /// policy's hands (`PolicyPatternRecognizer`) checks it inside its scan; the rest are linear
    /// with small constants and are checked between recognizers by the pipeline.
    func recognize(_ text: ScannedText, deadline: DetectionDeadline) throws(DetectionTimedOut) -> [Candidate]
}

extension Recognizer {
    public var minimumDigits: Int { 0 }
    public var requiredSymbols: StaticString? { nil }
    public func recognize(_ text: ScannedText, deadline: DetectionDeadline) throws(DetectionTimedOut) -> [Candidate] { recognize(text) }

}
