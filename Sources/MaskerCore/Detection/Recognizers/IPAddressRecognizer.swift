import Foundation

/// IP_ADDRESS: IPv4 dotted quads and IPv6 in any valid notation. Validation is the C library's
/// `inet_pton`, the same parser the network stack uses, rather than a hand-rolled pattern. A
/// dotted quad followed by another `.number` is a version string, not an address. 0.9 (0.6 for
/// IPv4 inside a word-free run of small numbers such as "1.2.3.4").
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
            var text = tokens[index...end].map(\.text.string).joined()
            // Trailing sentence punctuation is not part of the address.
            while end > index, tokens[end].isPunct(".") || tokens[end].isPunct(":") {
                text.removeLast()
                end -= 1
            }
            if let confidence = Self.confidence(of: text) {
                candidates.append(Candidate(kind: .ipAddress, start: tokens[index].start, end: tokens[end].end, confidence: confidence))
            }
            index = end + 1
        }
        return candidates
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
