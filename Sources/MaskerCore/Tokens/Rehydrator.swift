/// One token met in model output.
public struct RehydrationEvent: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case restored
        case failed(RehydrationFailure)
    }

    /// The token's kind as written (nil when even that is not a known kind).
    public var kind: EntityKind?
    public var scheme: String
    public var outcome: Outcome
}

/// Restores the original text for every token in a model's answer. A token that cannot be restored
/// (unknown kid, rotated-out key, tampered, purged, malformed) becomes `[REDACTED:KIND]` and an
/// event says why: never an exception, and never the token text itself, which the caller must not
/// hear read out.
public struct Rehydrator: Sendable {
    let schemes: [TokenSchemeID: any TokenScheme]

    public init(schemes: [any TokenScheme]) {
        var table: [TokenSchemeID: any TokenScheme] = [:]
        for scheme in schemes { table[scheme.id] = scheme }
        self.schemes = table
    }

    public func rehydrate(_ text: String) -> (text: String, events: [RehydrationEvent]) {
        let matches = TokenScanner.matches(in: text)
        guard !matches.isEmpty else { return (text, []) }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var events: [RehydrationEvent] = []
        var cursor = 0
        for match in matches {
            output.append(contentsOf: bytes[cursor..<match.start])
            let scheme = match.scheme.rawValue
            let outcome: Result<String, RehydrationFailure>
            if let token = match.token {
                outcome = schemes[token.scheme].map { $0.restore(token) } ?? .failure(.unsupportedScheme)
            } else {
                outcome = .failure(.malformed)
            }
            switch outcome {
            case let .success(original):
                output.append(contentsOf: original.utf8)
                events.append(RehydrationEvent(kind: match.token?.kind, scheme: scheme, outcome: .restored))
            case let .failure(reason):
                output.append(contentsOf: Masker.redactionMarker(match.kindText ?? "UNKNOWN").utf8)
                events.append(RehydrationEvent(kind: match.token?.kind, scheme: scheme, outcome: .failed(reason)))
            }
            cursor = match.end
        }
        output.append(contentsOf: bytes[cursor...])
        return (String(decoding: output, as: UTF8.self), events)
    }
}
