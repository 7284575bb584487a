/// A model's streamed answer, rehydrated as it arrives: wraps any async sequence of byte chunks
/// (an HTTP body, a pipe) and yields restored chunks, holding back only what `StreamingRehydrator`
/// must. When the base sequence ends, whatever is held is resolved and yielded; a chunk that would
/// be empty is skipped.
public struct RehydratingSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element: Sequence<UInt8> {
    public typealias Element = [UInt8]

    let base: Base
    let rehydrator: Rehydrator

    public init(_ base: Base, rehydrator: Rehydrator) {
        self.base = base
        self.rehydrator = rehydrator
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), streaming: StreamingRehydrator(rehydrator: rehydrator))
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var streaming: StreamingRehydrator
        var finished = false

        public mutating func next() async throws -> [UInt8]? {
            while !finished {
                guard let chunk = try await base.next() else {
                    finished = true
                    let rest = await streaming.finish()
                    return rest.isEmpty ? nil : rest
                }
                let ready = await streaming.feed(chunk)
                if !ready.isEmpty { return ready }
            }
            return nil
        }
    }
}

extension AsyncSequence where Self: Sendable, Element: Sequence<UInt8> {
    /// This stream of byte chunks with every token restored.
    public func rehydrated(by rehydrator: Rehydrator) -> RehydratingSequence<Self> {
        RehydratingSequence(self, rehydrator: rehydrator)
    }
}
