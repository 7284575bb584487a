/// ADDRESS: a real-looking house number (same digit count), street name and the original's suffix
/// and unit words; a city, state and ZIP from the ZIP table. Under `preserve_locale` (and the
/// locale mechanism) the ZIP stays in the original's 3-digit ZIP area, the city is that ZIP's
/// city, and the state is kept. Facility words ("Mercy Hospital") keep the facility noun.
enum AddressSurrogate {
    /// The most common US street names (National League of Cities' count of US street names),
    /// written here: no PyPI package carries a street-name table.
    static let streetNames = ["Second", "Third", "First", "Fourth", "Park", "Fifth", "Main", "Sixth", "Oak", "Seventh", "Pine", "Maple",
                              "Cedar", "Eighth", "Elm", "View", "Washington", "Ninth", "Lake", "Hill", "Walnut", "Spring", "North",
                              "Ridge", "Church", "Willow", "Mill", "Sunset", "Railroad", "Jackson", "Cherry", "Highland", "Johnson",
                              "South", "Dogwood", "West", "Chestnut", "Jefferson", "Center", "Lincoln", "Meadow", "Forest", "Madison",
                              "River", "Hickory", "Adams", "Lakeview", "Birch", "Poplar", "Franklin", "Laurel", "Valley", "Magnolia"]
    /// Words that say what a place is, kept as they are: suffixes, units, facility nouns, directions.
    static let structural: Set<String> = [
        "st", "st.", "street", "ave", "ave.", "avenue", "rd", "rd.", "road", "dr", "dr.", "drive", "blvd", "blvd.", "boulevard",
        "ln", "ln.", "lane", "ct", "ct.", "court", "way", "pl", "pl.", "place", "ter", "terrace", "cir", "circle", "hwy", "highway",
        "pkwy", "parkway", "sq", "square", "trl", "trail", "apt", "apt.", "apartment", "unit", "suite", "ste", "ste.", "#", "floor",
        "fl", "po", "p.o", "box", "hospital", "clinic", "center", "centre", "medical", "health", "memorial", "regional", "general",
        "community", "county", "city", "of", "the", "at", "in", "and", "nursing", "home", "pharmacy", "urgent", "care", "n", "s", "e",
        "w", "n.", "s.", "e.", "w.", "north", "south", "east", "west", "ne", "nw", "se", "sw",
    ]
    /// Street suffixes as detection knows them ("street", "ave", "pkwy", …).
    static func isSuffix(_ word: String) -> Bool { StreetAddressRecognizer.suffixes.contains(TokenText(word)) }
    static let stateNames: [String: String] = [
        "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO", "connecticut": "CT",
        "delaware": "DE", "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
        "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
        "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV", "ohio": "OH",
        "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
        "virginia": "VA", "washington": "WA", "wisconsin": "WI", "wyoming": "WY",
    ]

    static func make(_ original: String, _ context: inout SurrogateContext, _ memory: inout SessionMemory) -> String {
        let tables = context.tables
        let words = spokenNumbersJoined(SlotTemplate.split(original))
        let lowered = words.map { trimmedLowercase($0) }
        // Each word's digits, written or said ("nine eight one oh one" is one word here).
        let digits = words.map { word -> String in
            if word.utf8.contains(where: { (48...57).contains($0) }) { return String(word.filter { $0.asciiValue.map { (48...57).contains($0) } ?? false }) }
            guard let first = word.split(separator: " ").first, isDigitWord(String(first)) else { return "" }
            return SlotTemplate(word, lettersAreSlots: false).originalValue
        }
        // Where the original is: its ZIP, else a state it names, else a city the table knows.
        let zip = digits.first { $0.count == 5 && tables.zipIndex[$0] != nil }
            ?? lowered.lazy.compactMap { word -> String? in
                let head = String(word.prefix(5))
                return word.count == 10 && tables.zipIndex[head] != nil ? head : nil
            }.first
        // A two-letter code counts only written in capitals: "oh", "in", "me" are words in ASR text.
        let namedState = words.first { $0.count == 2 && $0 == $0.uppercased() && tables.byState[$0] != nil }
            ?? lowered.indices.lazy.filter { !isStreetName(at: $0, lowered) }.compactMap { stateNames[lowered[$0]] }.first
        let cityMatch = cityWords(lowered, tables)
        let originalState = zip.map { tables.zips[tables.zipIndex[$0]!].state } ?? namedState
            ?? cityMatch.flatMap { match in
                // A city name several states share ("Fresno" is also in Texas): the state with most of its ZIPs.
                let counts = Dictionary(grouping: tables.byCity[match.name] ?? [], by: { tables.zips[$0].state }).mapValues(\.count)
                return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
            }
        let state = context.category("state", original: originalState, categories: tables.states, memory: &memory) { random in
            tables.zips[random.below(tables.zips.count)].state
        }
        // The new ZIP: same 3-digit area when the state was kept and the original had a ZIP.
        let pool: [Int]
        if let zip, state == originalState, let area = tables.byZIP3[String(zip.prefix(3))], area.count > 1 {
            pool = area.filter { tables.zips[$0].zip != zip }
        } else {
            pool = tables.byState[state] ?? Array(tables.zips.indices)
        }
        let place = tables.zips[pool[context.random.below(pool.count)]]

        var output = ""
        var index = 0
        while index < words.count {
            let word = words[index]
            let lower = lowered[index]
            if let city = cityMatch, index == city.first {
                // The city's other words are covered by the replacement; "Fresno," keeps its comma.
                output += preservingPunctuation(words[city.first...city.last].joined(), CaseStyle(word).apply(place.city))
                index = city.last + 1
                continue
            }
            if word.allSatisfy(\.isWhitespace) || structural.contains(lower) || lower.isEmpty {
                output += word
            } else if lower.count == 2, word.filter(\.isLetter) == lower.uppercased(), tables.byState[lower.uppercased()] != nil {
                output += preservingPunctuation(word, state)
            } else if stateNames[lower] != nil, !isStreetName(at: index, lowered) {
                let name = stateNames.first { $0.value == state }?.key ?? lower
                output += preservingPunctuation(word, CaseStyle(word).apply(name))
            } else if digits[index].count == 5, tables.zipIndex[digits[index]] != nil || lower.allSatisfy(\.isNumber) {
                output += SlotTemplate(word, lettersAreSlots: false).render(Array(place.zip))
            } else if lower.count == 10, lower.dropFirst(5).first == "-" {
                output += preservingPunctuation(word, place.zip + "-" + String((0..<4).map { _ in context.random.digit() }))
            } else if !digits[index].isEmpty {
                // House numbers, unit numbers, PO boxes: same shape, new digits.
                output += IdentifierSurrogate.make(word, kind: .otherID, &context)
            } else {
                // Never the original's own street name: "123 Main St" must not become "641 Main St".
                let street = context.random.word(unlike: lower) { $0.pick(streetNames) }
                output += preservingPunctuation(word, CaseStyle(word).apply(street))
            }
            index += 1
        }
        return output
    }

    /// Digits said as words ("one two three", "nine eight one oh one") joined into one word with
    /// their spaces, so a spoken house number or ZIP is replaced as a whole.
    static func isDigitWord(_ word: String) -> Bool {
        let lower = word.lowercased()
        return SlotTemplate.digitWords.contains(lower) || lower == "oh" || lower == "double" || lower == "triple"
    }

    static func spokenNumbersJoined(_ words: [String]) -> [String] {
        var output: [String] = []
        var index = 0
        while index < words.count {
            guard isDigitWord(words[index]) else {
                output.append(words[index])
                index += 1
                continue
            }
            var joined = words[index]
            var next = index + 1
            while next + 1 < words.count, words[next].allSatisfy(\.isWhitespace), isDigitWord(words[next + 1]) {
                joined += words[next] + words[next + 1]
                next += 2
            }
            output.append(joined)
            index = next
        }
        return output
    }

    /// The longest run of words (up to three) the ZIP table knows as a city, as word indexes.
    static func cityWords(_ lowered: [String], _ tables: SurrogateTables) -> (first: Int, last: Int, name: String)? {
        let wordIndexes = lowered.indices.filter { !lowered[$0].isEmpty && !lowered[$0].allSatisfy(\.isWhitespace) }
        var best: (Int, Int, String)?
        for (position, first) in wordIndexes.enumerated() {
            for length in (1...3).reversed() where position + length <= wordIndexes.count {
                let run = wordIndexes[position..<(position + length)]
                let name = run.map { lowered[$0] }.joined(separator: " ")
                let next = wordIndexes.indices.contains(position + length) ? lowered[wordIndexes[position + length]] : ""
                // "cedar avenue": a street name that is also a town somewhere is a street here.
                let isStreet = isSuffix(next)
                if tables.byCity[name] != nil, !isStreet, !structural.contains(name), !(name.count == 2), stateNames[name] == nil || length > 1 {
                    if best == nil || length > best!.1 - best!.0 { best = (first, run.last!, name) }
                    break
                }
            }
        }
        return best.map { (first: $0.0, last: $0.1, name: $0.2) }
    }

    /// The word without the punctuation around it, lowercased ("St," → "st"; "p.o." keeps its inner dots).
    static func trimmedLowercase(_ word: String) -> String {
        let scalars = Array(word.unicodeScalars)
        var start = 0, end = scalars.count
        func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.isASCII {
                let value = scalar.value
                return (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value)
            }
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
                 .otherPunctuation: return true
            default: return false
            }
        }
        while start < end, isPunctuation(scalars[start]) { start += 1 }
        while end > start, isPunctuation(scalars[end - 1]) { end -= 1 }
        return String(String.UnicodeScalarView(scalars[start..<end])).lowercased()
    }

    /// "washington boulevard", "oak street": the word before a street suffix names the street,
    /// whatever else it could be (a state, a city).
    static func isStreetName(at index: Int, _ lowered: [String]) -> Bool {
        var next = index + 1
        while next < lowered.count, lowered[next].isEmpty || lowered[next].allSatisfy(\.isWhitespace) { next += 1 }
        return next < lowered.count && isSuffix(lowered[next])
    }

    static func preservingPunctuation(_ word: String, _ replacement: String) -> String {
        guard let start = word.firstIndex(where: { $0.isLetter || $0.isNumber }),
              let end = word.lastIndex(where: { $0.isLetter || $0.isNumber }) else { return replacement }
        return String(word[..<start]) + replacement + String(word[word.index(after: end)...])
    }
}
