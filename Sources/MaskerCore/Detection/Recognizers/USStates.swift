/// US state and territory names and USPS codes, for ZIP and address context.
enum USStates {
    static let names: WordSet = [
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
        "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana",
        "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana",
        "nebraska", "nevada", "ohio", "oklahoma", "oregon", "pennsylvania", "tennessee", "texas", "utah",
        "vermont", "virginia", "washington", "wisconsin", "wyoming", "guam",
    ]
    /// Two-word names: the second words that may follow each first word.
    static let twoWordNames = WordTable<WordSet>([
        "new": ["hampshire", "jersey", "mexico", "york"], "north": ["carolina", "dakota"], "rhode": ["island"],
        "south": ["carolina", "dakota"], "west": ["virginia"], "puerto": ["rico"], "district": ["of"],
    ])
    /// Matched only when written in capitals: "IN", "OR", "ME", "OK", "HI" are also English words.
    static let codes: WordSet = [
        "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia", "ks", "ky",
        "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny", "nc", "nd",
        "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt", "va", "wa", "wv", "wi", "wy", "dc",
        "pr", "gu", "vi",
    ]

    /// The number of tokens a state name or code occupies at `index`, or nil.
    static func length(at index: Int, in tokens: [Token]) -> Int? {
        let token = tokens[index]
        guard token.kind == .word else { return nil }
        if token.isAllCapitals, token.length == 2, codes.contains(token.text) { return 1 }
        if index + 1 < tokens.count, let seconds = twoWordNames[token.text], seconds.contains(tokens[index + 1].text) {
            if token.text == "district", index + 2 < tokens.count, tokens[index + 2].text == "columbia" { return 3 }
            return 2
        }
        return names.contains(token.text) ? 1 : nil
    }
}
