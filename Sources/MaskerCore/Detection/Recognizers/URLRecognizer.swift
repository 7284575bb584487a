/// URL: `https://…`, `www.…`, and bare domains with a path or a common top-level domain
/// (`portal.example.com/login`, "example dot com slash portal"). Trailing sentence punctuation is
/// left out. 0.95 with a scheme or `www`, 0.8 for a domain with a path, 0.6 for a bare domain
/// (often an organisation's site rather than a person's).
struct URLRecognizer: Recognizer {
    let name = "url"
    var kinds: Set<EntityKind> { [.url] }
    /// Every URL has a '.' (a domain) or a ':' (a scheme); most transcribed turns have neither.
    var requiredSymbols: StaticString? { ".:" }

    static let pathSymbols: WordSet = ["/", ".", "-", "_", "?", "=", "&", "%", "#", "~", ":", "+", "@"]

    /// Sentence punctuation after a URL, not part of it.
    static let trailingSymbols: WordSet = [".", ",", ":", "?", "!", "#"]

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        var index = 0
        while index < tokens.count {
            guard tokens[index].isAlphanumeric, index == 0 || tokens[index].spaceBefore || !tokens[index - 1].isPunct("@") else {
                index += 1
                continue
            }
            // The joined run from here.
            var end = index
            while end + 1 < tokens.count, !tokens[end + 1].spaceBefore,
                  tokens[end + 1].isAlphanumeric || (tokens[end + 1].kind == .punct && Self.pathSymbols.contains(tokens[end + 1].text)) {
                end += 1
            }
            while end > index, tokens[end].kind == .punct, Self.trailingSymbols.contains(tokens[end].text) { end -= 1 }
            // A URL has at least a scheme's ':' or a domain's '.': a lone word (most runs) is never one.
            if end > index, let confidence = confidence(tokens, index, end) {
                candidates.append(Candidate(kind: .url, start: tokens[index].start, end: tokens[end].end, confidence: confidence))
            }
            index = end + 1
        }
        return candidates
    }

    private func confidence(_ tokens: [Token], _ start: Int, _ end: Int) -> Double? {
        let run = tokens[start...end]
        guard !run.contains(where: { $0.isPunct("@") }) || run.contains(where: { $0.isPunct("/") }) else { return nil } // an email
        let first = tokens[start].text
        if (first == "http" || first == "https" || first == "ftp"), start + 3 <= end, tokens[start + 1].isPunct(":"),
           tokens[start + 2].isPunct("/") {
            return 0.95
        }
        // domain: label (. label)+ with an alphabetic top-level label
        var cursor = start
        var labels = 1
        while cursor + 2 <= end, tokens[cursor + 1].isPunct(".") || tokens[cursor + 1].isPunct("-"), tokens[cursor + 2].isAlphanumeric {
            if tokens[cursor + 1].isPunct(".") { labels += 1 }
            cursor += 2
        }
        guard labels >= 2 else { return nil }
        let top = tokens[cursor].text
        guard top.count >= 2, top.isLetters else { return nil }
        if first == "www" { return 0.95 }
        let hasPath = cursor < end && tokens[cursor + 1].isPunct("/")
        // Without a scheme or www, only a known top-level domain makes a URL: "EMERG.MIN/USD" is not one.
        guard SpokenFormNormalizer.topLevelDomains.contains(top) else { return nil }
        return hasPath ? 0.8 : 0.6
    }
}
