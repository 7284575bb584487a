/// Rehydrates a model's answer as it streams in, chunk by chunk, where a token or a multi-byte
/// UTF-8 character may be split anywhere (SPEC section 4).
///
/// It holds back only the shortest suffix that could still become a token (a prefix of `MSK…`, or
/// a token whose body might continue) plus an incomplete UTF-8 sequence, and releases everything
/// else at once, so the caller hears the answer with no added delay except inside a token. At the
/// end of the stream whatever is held is resolved: a complete token is restored, a cut-off one
/// fails closed as `[REDACTED:KIND]` (or is dropped when not even its kind arrived).
public struct StreamingRehydrator: Sendable {
    private let rehydrator: Rehydrator
    private var pending: [UInt8] = []
    public private(set) var events: [RehydrationEvent] = []

    public init(rehydrator: Rehydrator) {
        self.rehydrator = rehydrator
    }

    /// The events recorded since the last call, handed over once (a long stream's caller records
    /// them as it goes rather than keeping them all).
    public mutating func takeEvents() -> [RehydrationEvent] {
        defer { events = [] }
        return events
    }

    /// Bytes that can be released now.
    public mutating func feed(_ chunk: some Sequence<UInt8>) async -> [UInt8] {
        pending.append(contentsOf: chunk)
        let keep = Self.holdBackStart(pending)
        guard keep > 0 else { return [] }
        let ready = Array(pending[..<keep])
        pending.removeFirst(keep)
        return await process(ready)
    }

    /// Everything still held, resolved. Call once when the stream ends.
    public mutating func finish() async -> [UInt8] {
        let rest = pending
        pending = []
        guard !rest.isEmpty else { return [] }
        // A token cut off by the end of the stream must not be spoken as token text.
        // (A tail of one or two letters of "MSK" is text, "…Paamiut SM", and goes out as it is;
        // from "MSK" on it is taken for a token's start.)
        if let start = Self.tokenStart(in: rest), Self.visible(rest[start...]).count >= 3,
           TokenScanner.match(Self.visible(rest[start...]), at: 0) == nil {
            let prefix = await process(Array(rest[..<start]))
            let kind = Self.partialKind(Self.visible(rest[start...]))
            if let kind {
                events.append(RehydrationEvent(kind: EntityKind(rawValue: kind), scheme: "MSK", outcome: .failed(.malformed)))
                return prefix + Array(Masker.redactionMarker(kind).utf8)
            }
            return prefix
        }
        return await process(rest)
    }

    private mutating func process(_ bytes: [UInt8]) async -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        // Most chunks of an answer hold no token: pass them through without decoding.
        if !TokenScanner.mayContainToken(bytes) { return bytes }
        // Invalid UTF-8 from the model is repaired rather than passed on; it cannot form a token.
        let result = await rehydrator.rehydrate(String(decoding: bytes, as: UTF8.self))
        events += result.events
        return Array(result.text.utf8)
    }

    /// Where the held-back suffix starts: the start of a possible token that is not yet complete
    /// (its body could still grow), else the start of an incomplete UTF-8 character, else the end.
    static func holdBackStart(_ bytes: [UInt8]) -> Int {
        var end = bytes.count
        // An incomplete UTF-8 sequence at the end.
        var lead = bytes.count - 1
        while lead >= 0, lead >= bytes.count - 3, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        if lead >= 0 {
            let needed = bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : bytes[lead] >= 0xC0 ? 2 : 1
            if bytes.count - lead < needed { end = lead }
        }
        if let start = tokenStart(in: Array(bytes[..<end])) { return start }
        return end
    }

    /// The start of the last place where a token could begin and is not yet closed: a partial
    /// `MSK…` prefix at the end, or a token whose body runs to the end of the text.
    static func tokenStart(in bytes: [UInt8]) -> Int? {
        var index = max(0, bytes.count - maxTokenBytes)
        var candidate: Int?
        while index < bytes.count {
            // "M", after anything: a token glued to a word is still a token (TokenScanner).
            if bytes[index] == 77 {
                let tail = visible(bytes[index...])
                if isSchemePrefix(tail) || couldStillGrow(tail) {
                    candidate = index
                    break
                }
            }
            index += 1
        }
        return candidate
    }

    /// Shorter than a scheme and its dot, and the start of one: "M", "MSK", "MSKV1".
    static func isSchemePrefix(_ tail: [UInt8]) -> Bool {
        schemePrefixes.contains { tail.count < $0.count && $0.starts(with: tail) }
    }

    /// `bytes` without the invisible characters a token may be split by (`TokenScanner`).
    static func visible(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        return TokenScanner.withoutInvisibles(bytes)?.visible ?? bytes
    }

    /// A scheme followed by fields whose last one reaches the end of the text.
    static func couldStillGrow(_ tail: [UInt8]) -> Bool {
        guard schemePrefixes.contains(where: { tail.starts(with: $0) }) else { return false }
        // Every byte after the scheme must belong to the token alphabet (fields and dots).
        return tail.allSatisfy { TokenScanner.isWordByte($0) || $0 == 46 } && tail.count < maxTokenBytes
    }

    /// Longer than any token (an MSK1 body for a 2,000-byte value is about 3,300 characters), so a
    /// token is never released half-way; past it, held text is released as plain text.
    static let maxTokenBytes = 4096

    /// `MSKV1.` and `MSK1.`, from the scheme list rather than spelled out again.
    static let schemePrefixes = TokenSchemeID.allCases.map { Array(($0.rawValue + ".").utf8) }

    static func partialKind(_ tail: [UInt8]) -> String? {
        let parts = tail.split(separator: 46, omittingEmptySubsequences: false)
        guard parts.count >= 3, let kind = EntityKind(rawValue: String(decoding: parts[1], as: UTF8.self)) else { return nil }
        return kind.rawValue
    }
}
