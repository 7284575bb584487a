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
    /// The token's kid as written. Trust it only when restored: a failed token's kid is whatever
    /// the model wrote.
    public var kid: String?
    /// The token as the model wrote it (nil for a fragment cut off by a stream's end). Tokens are
    /// opaque and hold no PHI; this one is only for telling occurrences of one token apart from
    /// different tokens within an answer (`AnswerReleases`), and is never recorded.
    public var token: String?

    public init(kind: EntityKind?, scheme: String, outcome: Outcome, kid: String? = nil, token: String? = nil) {
        self.kind = kind
        self.scheme = scheme
        self.outcome = outcome
        self.kid = kid
        self.token = token
    }
}

/// Restores the original text for every token in a model's answer. A token that cannot be restored
/// (unknown kid, rotated-out key, tampered, purged, malformed) becomes `[REDACTED:KIND]` and an
/// event says why: never an exception, and never the token text itself, which the caller must not
/// hear read out.
public struct Rehydrator: Sendable {
    /// How a restored original is written into the text around it.
    public enum Encoding: Sendable {
        /// As it is: the text is what a person reads.
        case plain
        /// Escaped as the inside of a JSON string: the text is JSON being streamed piece by piece
        /// (a model's tool-call arguments), where a restored `"` or `\` would otherwise break it.
        case jsonStringContent
    }

    let schemes: [TokenSchemeID: any TokenScheme]
    public var encoding: Encoding
    /// Outcomes already known for this answer (`remembering()`), or nil to look every token up.
    var memo: RehydrationMemo?

    public init(schemes: [any TokenScheme], encoding: Encoding = .plain) {
        var table: [TokenSchemeID: any TokenScheme] = [:]
        for scheme in schemes { table[scheme.id] = scheme }
        self.schemes = table
        self.encoding = encoding
    }

    /// Every reversible scheme for a kid, restoring the tokens of one scope (`TokenScopes`): a
    /// token is restored by the scheme its prefix names, and only if it was minted in `scope`;
    /// another scope's token fails exactly as an unknown one does. Without a vault, vault tokens
    /// fail as `unsupported_scheme`.
    public init(kid: String, keyRing: KeyRing, vault: (any VaultStore)?, scope: String, encoding: Encoding = .plain) {
        var schemes: [any TokenScheme] = [ReversibleAEADScheme(kid: kid, keyRing: keyRing, scope: scope)]
        if let vault { schemes.append(VaultDeterministicScheme(kid: kid, keyRing: keyRing, store: vault, scope: scope)) }
        self.init(schemes: schemes, encoding: encoding)
    }

    /// The same schemes, writing restored values with another encoding.
    public func encoding(_ encoding: Encoding) -> Rehydrator {
        var copy = self
        copy.encoding = encoding
        return copy
    }

    /// The same schemes with a fresh memo: one answer's restorers share it, so each of its tokens
    /// is looked up once however often the answer delivers it.
    public func remembering() -> Rehydrator {
        var copy = self
        copy.memo = RehydrationMemo()
        return copy
    }

    /// Restores all of a text's tokens with one call per scheme (one vault query for an answer).
    public func rehydrate(_ text: String) async -> (text: String, events: [RehydrationEvent]) {
        let matches = TokenScanner.matches(in: text)
        guard !matches.isEmpty else { return (text, []) }
        let bytes = Array(text.utf8)
        let written = matches.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
        var outcomes = [Result<String, RehydrationFailure>](repeating: .failure(.malformed), count: matches.count)
        var positionsByScheme: [TokenSchemeID: [Int]] = [:]
        for (position, match) in matches.enumerated() {
            guard let token = match.token else { continue }
            if schemes[token.scheme] == nil {
                outcomes[position] = .failure(.unsupportedScheme)
            } else if let known = memo?.outcome(for: written[position]) {
                outcomes[position] = known
            } else {
                positionsByScheme[token.scheme, default: []].append(position)
            }
        }
        for (schemeID, positions) in positionsByScheme {
            guard let scheme = schemes[schemeID] else { continue }
            let restored = await scheme.restore(positions.compactMap { matches[$0].token })
            for (position, outcome) in zip(positions, restored) {
                outcomes[position] = outcome
                memo?.remember(outcome, for: written[position])
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var events: [RehydrationEvent] = []
        var cursor = 0
        for (position, (match, outcome)) in zip(matches, outcomes).enumerated() {
            output.append(contentsOf: bytes[cursor..<match.start])
            let scheme = match.scheme.rawValue
            let token = written[position]
            switch outcome {
            case let .success(original):
                switch encoding {
                case .plain: output.append(contentsOf: original.utf8)
                case .jsonStringContent:
                    let quoted = JSONValue.string(original).serialized()
                    output.append(contentsOf: quoted.utf8.dropFirst().dropLast())
                }
                events.append(RehydrationEvent(kind: match.token?.kind, scheme: scheme, outcome: .restored, kid: match.token?.kid, token: token))
            case let .failure(reason):
                output.append(contentsOf: Masker.redactionMarker(match.kindText ?? "UNKNOWN").utf8)
                events.append(RehydrationEvent(kind: match.token?.kind, scheme: scheme, outcome: .failed(reason), kid: match.token?.kid, token: token))
            }
            cursor = match.end
        }
        output.append(contentsOf: bytes[cursor...])
        return (String(decoding: output, as: UTF8.self), events)
    }
}
