/// What happened to one detected span.
public struct MaskReplacement: Sendable, Equatable {
    public var detection: Detection
    public var action: EntityAction
    /// The token that replaced the span (`tokenize` only).
    public var token: MaskToken?
    /// What the masked text holds in the span's place (a token, a surrogate, a redaction marker);
    /// nil for `passthrough`.
    public var written: String?

    public init(detection: Detection, action: EntityAction, token: MaskToken? = nil) {
        self.detection = detection
        self.action = action
        self.token = token
    }
}

/// The masked turn and what was done to each span.
public struct MaskResult: Sendable {
    public var masked: String
    public var replacements: [MaskReplacement]

    public init(masked: String, replacements: [MaskReplacement]) {
        self.masked = masked
        self.replacements = replacements
    }

    /// Where each replacement sits in the masked text (Unicode-scalar offsets), in order: labelled
    /// spans for synthetic transcripts used as fixtures or training data.
    public var maskedSpans: [(start: Int, end: Int)] {
        var shift = 0
        return replacements.map { replacement in
            let detection = replacement.detection
            let length = replacement.written?.unicodeScalars.count ?? detection.length
            defer { shift += length - detection.length }
            return (detection.start + shift, detection.start + shift + length)
        }
    }
}

/// A masked text whose tokens are computed but not yet restorable (`Masker.prepare`).
public struct PreparedMask: Sendable {
    public var result: MaskResult
    /// The vault entries its tokens need (`Masker.persist`).
    public var entries: [VaultEntry]

    public init(result: MaskResult, entries: [VaultEntry] = []) {
        self.result = result
        self.entries = entries
    }
}

/// Applies a policy's actions to detected spans: `tokenize` mints a token, `redact` writes
/// `[REDACTED:KIND]` and keeps nothing, `passthrough` leaves the text (the span is still reported);
/// so does a span of a speaker whose lines the policy leaves alone (`Detection.keptForSpeaker`).
///
/// Fails closed: if any token cannot be minted, the whole turn fails and nothing partial is returned,
/// so unmasked PHI never goes on to the model because a key was missing.
public struct Masker: Sendable {
    public let policy: Policy
    public let scheme: (any TokenScheme)?
    /// Synthetic mode: `tokenize` writes a surrogate instead of a token, and nothing is kept.
    public let synthetic: SyntheticSession?

    public init(policy: Policy, scheme: (any TokenScheme)?) {
        self.policy = policy
        self.scheme = scheme
        synthetic = nil
    }

    public init(policy: Policy, synthetic: SyntheticSession) {
        self.policy = policy
        scheme = nil
        self.synthetic = synthetic
    }

    public static func redactionMarker(_ kind: String) -> String { "[REDACTED:\(kind)]" }

    /// What `mask` will do with each detection, in text order, before anything is minted: the
    /// spans it replaces (overlaps dropped, first kept) and each one's action.
    public func plan(_ detections: [Detection]) -> [MaskReplacement] {
        var replacements: [MaskReplacement] = []
        var previousEnd = 0
        for detection in detections.sorted(by: { $0.start < $1.start }) {
            // The pipeline's spans never overlap; a caller's might. Keep the first of any overlap.
            guard detection.start < detection.end, detection.start >= previousEnd else { continue }
            previousEnd = detection.end
            let action = detection.keptForSpeaker ? .passthrough : policy.entities[detection.kind]?.action ?? .tokenize
            replacements.append(MaskReplacement(detection: detection, action: action, token: nil))
        }
        return replacements
    }

    /// Masks `text` with tokens that are restorable when this returns (their vault entries stored).
    public func mask(_ text: String, detections: [Detection]) async throws(TokenMintError) -> MaskResult {
        let prepared = try prepare(text, detections: detections)
        try await persist([prepared])
        return prepared.result
    }

    /// The masked text, with its tokens computed but their vault entries not yet stored: nothing
    /// here waits. Until `persist` has returned for it, the result may go where tokens cannot be
    /// restored from (the model), but nothing restored from it may be released. All of the text's
    /// tokens are minted in one call.
    public func prepare(_ text: String, detections: [Detection]) throws(TokenMintError) -> PreparedMask {
        var replacements = plan(detections)
        if let synthetic {
            for index in replacements.indices {
                let detection = replacements[index].detection
                switch replacements[index].action {
                case .tokenize: replacements[index].written = synthetic.surrogate(for: detection.text, kind: detection.kind)
                case .redact: replacements[index].written = Self.redactionMarker(detection.kind.rawValue)
                case .passthrough: continue
                }
            }
            return PreparedMask(result: MaskResult(masked: MaskSplices(replacements).apply(to: text), replacements: replacements))
        }
        let requests = replacements.filter { $0.action == .tokenize }.map { MintRequest($0.detection.text, kind: $0.detection.kind) }
        var minted = MintedTokens(tokens: [])
        if !requests.isEmpty {
            guard let scheme else { throw .missingKey(kid: policy.kid) }
            minted = try scheme.prepare(requests)
        }
        var tokens = minted.tokens.makeIterator()
        for index in replacements.indices {
            switch replacements[index].action {
            case .tokenize:
                guard let token = tokens.next() else { continue } // a scheme returns one token per request
                replacements[index].token = token
                replacements[index].written = token.description
            case .redact:
                replacements[index].written = Self.redactionMarker(replacements[index].detection.kind.rawValue)
            case .passthrough:
                break
            }
        }
        let masked = MaskSplices(replacements).apply(to: text)
        return PreparedMask(result: MaskResult(masked: masked, replacements: replacements), entries: minted.entries)
    }

    /// Stores the vault entries of every prepared text of a turn in one transaction (a chat
    /// request's messages are prepared one by one, and each used to pay its own commit).
    public func persist(_ prepared: [PreparedMask]) async throws(TokenMintError) {
        try await submit(prepared).waitUntilStored()
    }

    /// Starts `persist` and returns at once (`PendingWrite`): a proxied turn stores its tokens
    /// while the model works on it.
    public func submit(_ prepared: [PreparedMask]) -> PendingWrite<VaultUnavailable> {
        var seen = Set<String>()
        // A value in two messages is stored once, with the first message's surface text.
        let entries = prepared.flatMap(\.entries).filter { seen.insert($0.token).inserted }
        guard !entries.isEmpty, let scheme else { return .finished() }
        return scheme.submit(entries)
    }
}
