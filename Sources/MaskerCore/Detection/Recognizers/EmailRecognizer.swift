/// EMAIL: `local@domain.tld`, written or spoken ("sarah dot chen at gmail dot com" arrives
/// normalised). The local part is the joined run of letters, digits and `. _ - +` before `@`; the
/// domain needs at least one dot and an alphabetic top-level label. Internationalised addresses
/// are found in either form: Unicode (`josé@bücher.de`) or punycode (`xn--mnchen-3ya.de`). 0.95
/// written, 0.9 spoken.
struct EmailRecognizer: Recognizer {
    let name = "email"
    var kinds: Set<EntityKind> { [.email] }
    var requiredSymbols: StaticString? { "@" }

    static let localSymbols: WordSet = [".", "_", "-", "+"]

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        for (at, token) in tokens.enumerated() where token.isPunct("@") {
            // Left: the local part, every token attached to the next with no space.
            var first = at
            while first > 0, !tokens[first].spaceBefore {
                let previous = tokens[first - 1]
                guard previous.isAlphanumeric || (previous.kind == .punct && Self.localSymbols.contains(previous.text)) else { break }
                first -= 1
            }
            while first < at, tokens[first].kind == .punct { first += 1 } // no leading symbol
            guard first < at, at + 1 < tokens.count, !tokens[at + 1].spaceBefore else { continue }
            // Right: label (. label)+
            var last = at + 1
            var labels = 0
            guard tokens[last].isAlphanumeric else { continue }
            // Hyphens may repeat inside a label: punycode ("xn--mnchen-3ya.de").
            while last + 2 < tokens.count, tokens[last + 1].isPunct(".") || tokens[last + 1].isPunct("-"), !tokens[last + 1].spaceBefore {
                var next = last + 2
                if tokens[last + 1].isPunct("-") {
                    while next < tokens.count, tokens[next].isPunct("-"), !tokens[next].spaceBefore { next += 1 }
                }
                guard next < tokens.count, !tokens[next].spaceBefore, tokens[next].isAlphanumeric else { break }
                if tokens[last + 1].isPunct(".") { labels += 1 }
                last = next
            }
            guard labels >= 1, tokens[last].kind == .word, tokens[last].length >= 2,
                  tokens[last].text.isLetters else { continue }
            let spoken = tokens[first...last].contains { $0.spoken }
            candidates.append(Candidate(kind: .email, start: tokens[first].start, end: tokens[last].end,
                                        confidence: spoken ? 0.9 : 0.95))
        }
        return candidates
    }
}
