import Foundation

/// IP_ADDRESS: IPv4 dotted quads and IPv6 in any valid notation. Validation is the C library's
/// `inet_pton`, the same parser the network stack uses, rather than a hand-rolled pattern. A
/// dotted quad followed by another `.number` is a version string, not an address. 0.9 (0.6 for
/// IPv4 inside a word-free run of small numbers such as "1.2.3.4"). An IPv6 zone ("%eth0") and a
/// prefix length ("/64", "10.0.0.0/8") are part of the span; so is nothing of a word glued before
/// the address ("IP10.20.30.40" masks the address).
struct IPAddressRecognizer: Recognizer {
    let name = "ip_address"
    var kinds: Set<EntityKind> { [.ipAddress] }
    var minimumDigits: Int { 1 }
    /// Every address has separators: dots, or colons for IPv6 (a spoken "dot" is a '.' by now).
    var requiredSymbols: StaticString? { ".:" }

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        var index = 0
        while index < tokens.count {
            // Gather a joined run of hex-ish words, numbers, '.' and ':'.
            guard tokens[index].isAlphanumeric || tokens[index].isPunct(":") else { index += 1; continue }
            var end = index
            var separators = tokens[index].kind == .punct ? 1 : 0
            while end + 1 < tokens.count, !tokens[end + 1].spaceBefore,
                  tokens[end + 1].isAlphanumeric || tokens[end + 1].isPunct(".") || tokens[end + 1].isPunct(":") {
                end += 1
                if tokens[end].kind == .punct { separators += 1 }
            }
            // Only a run with at least two separators can be an address; skip building its text otherwise.
            guard separators >= 2 else { index = end + 1; continue }
            if let found = Self.address(tokens, index, end) ?? Self.gluedAddress(tokens, index, end) {
                let last = Self.suffixEnd(tokens, after: found.last)
                candidates.append(Candidate(kind: .ipAddress, start: tokens[found.first].start, end: tokens[last].end,
                                            confidence: found.confidence))
            }
            index = end + 1
        }
        return candidates
    }

    /// The address in tokens `first...end`, less trailing sentence punctuation ("at 10.0.0.1."),
    /// but keeping an IPv6 address's own trailing "::" ("2001:db8::").
    private static func address(_ tokens: [Token], _ first: Int, _ end: Int) -> (first: Int, last: Int, confidence: Double)? {
        var last = end
        var text = tokens[first...end].map(\.text.string).joined()
        while last > first, tokens[last].isPunct(".") || tokens[last].isPunct(":") {
            if tokens[last].isPunct(":"), let confidence = confidence(of: text) { return (first, last, confidence) }
            text.removeLast()
            last -= 1
        }
        return confidence(of: text).map { (first, last, $0) }
    }

    /// An address glued to the word before it ("IP10.20.30.40" arrives as "ip", "10", ".", …).
    private static func gluedAddress(_ tokens: [Token], _ first: Int, _ end: Int) -> (first: Int, last: Int, confidence: Double)? {
        guard first < end, tokens[first].kind == .word, tokens[first + 1].kind == .number else { return nil }
        return address(tokens, first + 1, end)
    }

    /// Past an IPv6 zone ("%eth0") and a prefix length ("/24", "/64"), when they follow.
    private static func suffixEnd(_ tokens: [Token], after last: Int) -> Int {
        var end = last
        for isPrefix in [false, true] {
            guard end + 2 < tokens.count, tokens[end + 1].isPunct(isPrefix ? "/" : "%"), !tokens[end + 1].spaceBefore,
                  tokens[end + 2].isAlphanumeric, !tokens[end + 2].spaceBefore else { continue }
            if isPrefix {
                guard tokens[end + 2].kind == .number, let bits = tokens[end + 2].text.integerValue, bits <= 128 else { continue }
            }
            end += 2
        }
        return end
    }

    static func confidence(of text: String) -> Double? {
        if text.utf8.contains(58) { // ':'
            guard text.utf8.filter({ $0 == 58 }).count >= 2, text.utf8.count >= 3 else { return nil }
            var address = in6_addr()
            return inet_pton(AF_INET6, text, &address) == 1 ? 0.9 : nil
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }) else { return nil }
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return parts.allSatisfy({ $0.count == 1 }) ? 0.6 : 0.9
    }
}
