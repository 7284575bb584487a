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

    /// All token-shaped spans in `text`, in order.
    public static func matches(in text: String) -> [Match] {
        var matches: [Match] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index + 4 < bytes.count {
            guard startsWithMSK(bytes, at: index),
                  index == 0 || !isWordByte(bytes[index - 1]),
                  let match = match(bytes, at: index) else {
                index += 1
                continue
            }
            matches.append(match)
            index = match.end
        }
        return matches
    }

    /// Whether "MSK" occurs at all: the cheap test that lets token-free text skip the scan.
    public static func mayContainToken(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 2 < bytes.count {
            if startsWithMSK(bytes, at: index) { return true }
            index += 1
        }
        return false
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
