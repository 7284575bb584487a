/// The tokens one answer has already put on the record. A stream may deliver one text more than
/// once (a Responses stream repeats each text whole in its `.done` event, its output item's `.done`
/// and `response.completed`), and a model may say one token twice: the value it stands for is
/// released once either way, so its rehydration is recorded and counted once per answer, not once
/// per delivery. Each repeat would otherwise also wait for another audit append's disk sync
/// before it could go out.
public struct AnswerReleases: Sendable {
    private var recorded: Set<String> = []

    public init() {}

    /// The events of tokens this answer has not released before (and every event that names no
    /// token: a fragment cut off by a stream's end is always recorded).
    public mutating func fresh(_ events: [RehydrationEvent]) -> [RehydrationEvent] {
        guard !events.isEmpty else { return events }
        return events.filter { event in
            guard let token = event.token else { return true }
            return recorded.insert(token).inserted
        }
    }
}
