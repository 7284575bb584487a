/// US state and territory names and USPS codes, for ZIP and address context.
enum USStates {
    static let names: Set<String> = [
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
        "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana",
        "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana",
        "nebraska", "nevada", "ohio", "oklahoma", "oregon", "pennsylvania", "tennessee", "texas", "utah",
        "vermont", "virginia", "washington", "wisconsin", "wyoming", "guam",
    ]
    /// Two-word names, as word pairs.
    static let twoWordNames: Set<String> = [
        "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota",
        "rhode island", "south carolina", "south dakota", "west virginia", "puerto rico", "district of",
    ]
    /// Matched only in capitals: "IN", "OR", "ME", "OK", "HI" are also English words.
    static let codes: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
        "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
        "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC",
        "PR", "GU", "VI",
    ]

    /// The number of tokens a state name or code occupies at `index`, or nil.
    static func length(at index: Int, in tokens: [Token]) -> Int? {
        let token = tokens[index]
        guard token.kind == .word else { return nil }
        if codes.contains(token.text) { return 1 }
        if index + 1 < tokens.count, twoWordNames.contains(token.lower + " " + tokens[index + 1].lower) {
            if token.lower == "district", index + 2 < tokens.count, tokens[index + 2].lower == "columbia" { return 3 }
            return 2
        }
        return names.contains(token.lower) ? 1 : nil
    }
}
