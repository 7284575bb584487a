/// ADDRESS (street level), the forms `StreetAddressRecognizer` (number, name, suffix) does not read:
///
/// - the street type first and the number last, as most of Europe and Latin America write it:
///   "Via Pasquale Scura 127", "Rua Arapiraca 1943", "ul. Zakrzowska 92", "Calle Mayor 5";
/// - one word ending in the street type, then the number: "Favoritenstrasse 36", "Lumbyholmvej
///   46", "Veslebakken 48" is not one (no type), "Ålfjordgata 150", "Koepenicker Str. 38";
/// - US military mail: "PSC 2322, Box 6025, APO AA 88307", "Unit 9363 Box 8546 DPO AA 70447".
///
/// The type and name words must be capitalised (or the type abbreviated with a dot): "via email 2"
/// and "rue 12 fois" are not streets. 0.85; military 0.9.
struct InternationalStreetRecognizer: Recognizer {
    let name = "international_street"
    var kinds: Set<EntityKind> { [.address] }
    var minimumDigits: Int { 1 }

    /// Street types written before the name.
    static let leadingTypes: WordSet = [
        "via", "viale", "corso", "piazza", "piazzale", "vicolo", "largo", "rua", "avenida", "av", "avda", "calle", "carrer",
        "camino", "paseo", "pasaje", "travessa", "praça", "praca", "rue", "avenue", "boulevard", "bd", "chemin", "allée",
        "impasse", "quai", "ul", "ulica", "ulitsa", "aleja", "al", "plac", "strada", "str", "calea", "bulevardul", "odos",
        "leoforos", "jalan", "jl", "rambla", "ronda", "estrada", "alameda",
    ]
    /// Endings of one-word street names (German, Dutch, Scandinavian, Finnish, Hungarian…).
    static let typeEndings: [String] = [
        "strasse", "straße", "gasse", "weg", "vej", "gata", "gatan", "gaten", "veien", "vegen", "vägen", "väg",
        "laan", "straat", "steenweg", "plein", "gade", "katu", "tie", "utca", "allee", "damm", "platz", "torget",
        "braut", "stræde", "stig", "kuja", "polku", "gränd", "ring", "ufer", "chaussee",
    ]
    static let militaryPrefixes: WordSet = ["psc", "unit", "cmr"]
    static let militaryPosts: WordSet = ["apo", "fpo", "dpo"]
    static let militaryRegions: WordSet = ["aa", "ae", "ap"]

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        var resume = 0
        // Every form ends in a number no more than eight tokens after its first word: start from the
        // numbers (few) rather than try every capitalised word of the turn.
        for digit in text.digitTokens.lazy.map(Int.init) where digit >= resume && tokens[digit].kind == .number {
            for index in max(resume, digit - 8)..<digit {
                // Capitalised, or an abbreviation with its dot ("ul. Zakrzowska 92").
                guard tokens[index].kind == .word, tokens[index].isCapitalized || tokens[index].isAllCapitals
                    || index + 1 < tokens.count && tokens[index + 1].isPunct(".") && Self.leadingTypes.contains(tokens[index].text)
                else { continue }
                if let found = military(tokens, index) ?? typeFirst(tokens, index) ?? compound(tokens, index), found.1 >= digit {
                    candidates.append(found.0)
                    resume = found.1 + 1
                    break
                }
            }
        }
        return candidates
    }

    /// "Via Pasquale Scura 127", "ul. Zakrzowska 92": type, one to four capitalised words, a number.
    private func typeFirst(_ tokens: [Token], _ index: Int) -> (Candidate, Int)? {
        guard Self.leadingTypes.contains(tokens[index].text) else { return nil }
        var cursor = index + 1
        if cursor < tokens.count, tokens[cursor].isPunct(".") { cursor += 1 }
        var words = 0
        while cursor < tokens.count, words < 5, !tokens[cursor].lineBreakBefore {
            let token = tokens[cursor]
            if token.kind == .word, token.isCapitalized || token.isAllCapitals || Self.connectors.contains(token.text) {
                words += 1
                cursor += 1
            } else if token.isPunct("."), words > 0 {
                cursor += 1
            } else {
                break
            }
        }
        guard words >= 1, let end = houseNumber(tokens, cursor) else { return nil }
        return (Candidate(kind: .address, start: tokens[index].start, end: tokens[end].end, confidence: 0.85), end)
    }

    /// Lowercase words inside a street name: "Avenida de la Constitución", "Rua das Flores".
    static let connectors: WordSet = ["de", "del", "della", "di", "da", "das", "dos", "do", "la", "le", "les", "du", "des", "el", "y", "e"]

    /// "Favoritenstrasse 36", "Koepenicker Str. 38": a word ending in a street type, or a word then
    /// "Str.", then a number.
    private func compound(_ tokens: [Token], _ index: Int) -> (Candidate, Int)? {
        var cursor = index + 1
        guard cursor < tokens.count else { return nil }
        if cursor + 1 < tokens.count, tokens[cursor].text == "str", tokens[cursor + 1].isPunct(".") {
            cursor += 2
        } else {
            // Checked before the word's ending, which builds a string: most capitalised words are not followed by a number.
            guard tokens[cursor].digitCount > 0 else { return nil }
            let word = tokens[index].text.string
            guard let ending = Self.typeEndings.first(where: { word.hasSuffix($0) }), word.count >= ending.count + 3 else { return nil }
        }
        guard let end = houseNumber(tokens, cursor) else { return nil }
        // "637 Strojírenská 1006": a number written before the name belongs to it too.
        var start = index
        if index > 0, tokens[index - 1].kind == .number, tokens[index - 1].length <= 6, !tokens[index].lineBreakBefore { start = index - 1 }
        return (Candidate(kind: .address, start: tokens[start].start, end: tokens[end].end, confidence: 0.85), end)
    }

    /// The index of a house number at `index` ("12", "12a", "12-14", "12/3"), on the same line.
    private func houseNumber(_ tokens: [Token], _ index: Int) -> Int? {
        guard index < tokens.count, !tokens[index].lineBreakBefore else { return nil }
        let token = tokens[index]
        guard token.kind == .number && token.length <= 5
            || token.kind == .word && token.digitCount > 0 && token.letterCount == 1 && token.length <= 5 else { return nil }
        var end = index
        if end + 2 < tokens.count, tokens[end + 1].isPunct("-") || tokens[end + 1].isPunct("/"), !tokens[end + 1].spaceBefore,
           tokens[end + 2].isAlphanumeric, tokens[end + 2].length <= 4, !tokens[end + 2].spaceBefore { end += 2 }
        return end
    }

    /// "PSC 2322, Box 6025 APO AA 88307", "Unit 9363 Box 8546 DPO AA 70447", "USCGC Carey FPO AA 73545".
    private func military(_ tokens: [Token], _ index: Int) -> (Candidate, Int)? {
        let text = tokens[index].text
        if Self.militaryPosts.contains(text) {
            guard index + 2 < tokens.count, Self.militaryRegions.contains(tokens[index + 1].text),
                  tokens[index + 2].kind == .number, tokens[index + 2].length == 5 else { return nil }
            return (Candidate(kind: .address, start: tokens[index].start, end: tokens[index + 2].end, confidence: 0.9), index + 2)
        }
        guard Self.militaryPrefixes.contains(text), index + 1 < tokens.count, tokens[index + 1].kind == .number else { return nil }
        // The post office must follow within a few tokens (", Box 6025").
        var cursor = index + 2
        while cursor < tokens.count, cursor <= index + 7, !Self.militaryPosts.contains(tokens[cursor].text) { cursor += 1 }
        guard cursor < tokens.count, Self.militaryPosts.contains(tokens[cursor].text),
              let post = military(tokens, cursor) else { return nil }
        return (Candidate(kind: .address, start: tokens[index].start, end: post.0.end, confidence: 0.9), post.1)
    }
}
