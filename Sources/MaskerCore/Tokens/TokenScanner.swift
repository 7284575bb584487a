/// Finds tokens in model output. A match is the longest text of the token grammar starting at a
/// scheme prefix; what follows the body (a period ending the sentence, a quote) is not part of it.
///
/// A hand-written scan over UTF-8 rather than a regex: rehydration runs on every chunk of every
/// streamed answer, and most text contains no "MSK" at all.
public enum TokenScanner {
    public struct Match: Sendable, Equatable {
        /// UTF-8 byte offsets into the scanned text.
        public var start: Int
        public var end: Int
        public var scheme: TokenSchemeID
        /// nil when the text has the token shape but a field is invalid (unknown kind, bad kid):
        /// rehydration treats it as a failed token, never as plain text.
        public var token: MaskToken?
        /// The kind when it could be read, for `[REDACTED:KIND]`.
        public var kindText: String?
    }

    /// All token-shaped spans in `text`, in order, wherever they sit: after a letter (`fax\nMSKV1…`
    /// written by a tool that escaped a newline), inside punctuation, or split by invisible
    /// characters (a zero-width space, a soft hyphen, a control character) that a model or a
    /// client put inside one. The match covers those characters, so they go with the token.
    public static func matches(in text: String) -> [Match] {
        let bytes = Array(text.utf8)
        guard let (visible, origins) = withoutInvisibles(bytes) else { return matches(bytes) }
        return matches(visible).map { match in
            var moved = match
            moved.start = origins[match.start]
            moved.end = origins[match.end - 1] + 1 // a token's last byte is ASCII
            return moved
        }
    }

    static func matches(_ bytes: [UInt8]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index + 4 < bytes.count {
            guard startsWithMSK(bytes, at: index), let match = match(bytes, at: index) else {
                index += 1
                continue
            }
            matches.append(match)
            index = match.end
        }
        return matches
    }

    /// Whether "MSK" may occur, visibly or split by invisible characters: the cheap test that
    /// lets token-free text skip the scan.
    public static func mayContainToken(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(mayContainToken)
    }

    /// `mayContainToken` on a string's own bytes, without copying them (every string of every
    /// answer is asked).
    public static func mayContainToken(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(mayContainToken)
    }

    static func mayContainToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        var sawM = false, sawInvisibleCandidate = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 77 {
                if index + 2 < bytes.count, bytes[index + 1] == 83, bytes[index + 2] == 75 { return true }
                sawM = true
            } else if byte >= 0x80 || (byte < 0x20 && byte != 9 && byte != 10 && byte != 13) || byte == 0x7F {
                sawInvisibleCandidate = true
            }
            index += 1
        }
        return sawM && sawInvisibleCandidate
    }

    /// `bytes` without format characters (Unicode category Cf: zero-width spaces and joiners, bidi
    /// controls, soft hyphens, BOMs) and control characters other than tab, newline and return,
    /// with each remaining byte's offset in `bytes`; nil when there is none to remove (almost
    /// always). An incomplete UTF-8 sequence at the end is kept as it is.
    static func withoutInvisibles(_ bytes: [UInt8]) -> (visible: [UInt8], origins: [Int])? {
        guard bytes.contains(where: { $0 >= 0x80 || ($0 < 0x20 && $0 != 9 && $0 != 10 && $0 != 13) || $0 == 0x7F }) else { return nil }
        var visible: [UInt8] = []
        var origins: [Int] = []
        visible.reserveCapacity(bytes.count)
        origins.reserveCapacity(bytes.count)
        var removed = false
        var index = 0
        while index < bytes.count {
            let length = min(scalarLength(bytes[index]), bytes.count - index)
            if isInvisible(bytes, at: index, length: length) {
                removed = true
            } else {
                for offset in index..<(index + length) {
                    visible.append(bytes[offset])
                    origins.append(offset)
                }
            }
            index += length
        }
        return removed ? (visible, origins) : nil
    }

    /// The length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
    @inline(__always) static func scalarLength(_ lead: UInt8) -> Int {
        lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
    }

    static func isInvisible(_ bytes: [UInt8], at index: Int, length: Int) -> Bool {
        let lead = bytes[index]
        if lead < 0x80 { return (lead < 0x20 && lead != 9 && lead != 10 && lead != 13) || lead == 0x7F }
        guard length == scalarLength(lead),
              let scalar = String(validating: bytes[index..<(index + length)], as: UTF8.self)?.unicodeScalars.first else { return false }
        switch scalar.properties.generalCategory {
        case .format, .control: return true
        default: return false
        }
    }

    /// "MSK" at `index`; the caller keeps `index + 2` in bounds.
    @inline(__always) static func startsWithMSK(_ bytes: [UInt8], at index: Int) -> Bool {
        bytes[index] == 77 && bytes[index + 1] == 83 && bytes[index + 2] == 75
    }

    /// A token starting at `start`, if the text there has the token's shape.
    static func match(_ bytes: [UInt8], at start: Int) -> Match? {
        // scheme
        var cursor = start
        while cursor < bytes.count, isUpperOrDigit(bytes[cursor]) { cursor += 1 }
        guard let scheme = TokenSchemeID(rawValue: String(decoding: bytes[start..<cursor], as: UTF8.self)),
              cursor < bytes.count, bytes[cursor] == 46 else { return nil }
        // KIND
        let kindStart = cursor + 1
        cursor = kindStart
        while cursor < bytes.count, (bytes[cursor] >= 65 && bytes[cursor] <= 90) || bytes[cursor] == 95 { cursor += 1 }
        guard cursor > kindStart, cursor < bytes.count, bytes[cursor] == 46 else { return nil }
        let kindText = String(decoding: bytes[kindStart..<cursor], as: UTF8.self)
        // kid
        let kidStart = cursor + 1
        cursor = kidStart
        while cursor < bytes.count, isWordByte(bytes[cursor]), cursor - kidStart <= 64 { cursor += 1 }
        guard cursor > kidStart, cursor < bytes.count, bytes[cursor] == 46 else { return nil }
        let kid = String(decoding: bytes[kidStart..<cursor], as: UTF8.self)
        // body
        let bodyStart = cursor + 1
        cursor = bodyStart
        while cursor < bytes.count, MaskToken.isBodyByte(bytes[cursor]) { cursor += 1 }
        guard cursor > bodyStart else { return nil }
        // A vault body is always 26 characters (16 bytes in base32): capital letters or digits the
        // model wrote straight after one are text, not part of it.
        if scheme == .vault, cursor - bodyStart > MaskToken.vaultBodyLength { cursor = bodyStart + MaskToken.vaultBodyLength }
        let body = String(decoding: bytes[bodyStart..<cursor], as: UTF8.self)
        var token: MaskToken?
        if let kind = EntityKind(rawValue: kindText), KeyID.problem(with: kid) == nil {
            token = MaskToken(scheme: scheme, kind: kind, kid: kid, body: body)
        }
        return Match(start: start, end: cursor, scheme: scheme, token: token, kindText: EntityKind(rawValue: kindText)?.rawValue)
    }

    @inline(__always) static func isUpperOrDigit(_ byte: UInt8) -> Bool { (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) }

    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95
    }
}
