/// ADDRESS (street level): `123 Main St`, `4500 N. Martin Luther King Jr Blvd Apt 4B`, spoken
/// "one two three main street", PO boxes ("P.O. Box 4410", "post office box twelve"), with the
/// city, state and ZIP that follow when they are recognisable (`Seattle, WA 98101`).
///
/// The street suffix is required: a number followed by words is far too common otherwise. 0.85 for
/// a street, 0.9 with a unit or a following state/ZIP, 0.85 for a PO box; a secondary unit alone
/// ("Apt. 4B", "Suite 512") 0.75, "Unit 7C" 0.65.
struct StreetAddressRecognizer: Recognizer {
    let name = "street_address"
    var kinds: Set<EntityKind> { [.address] }
    var minimumDigits: Int { 1 }

    static let suffixes: WordSet = [
        "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr",
        "court", "ct", "way", "place", "pl", "terrace", "ter", "circle", "cir", "highway", "hwy", "parkway",
        "pkwy", "square", "sq", "trail", "trl", "plaza", "loop", "alley", "crescent", "row", "pike", "route",
        "rte", "expressway", "freeway", "turnpike", "close", "walk", "path", "run", "crossing", "point",
    ]
    static let units: WordSet = ["apt", "apartment", "suite", "ste", "unit", "floor", "fl", "room", "rm", "building", "bldg", "#"]
    /// Words that never form part of a street name; they mean the number counts something else
    /// ("walked 3 blocks down the street").
    static let notStreetNames: WordSet = [
        "the", "a", "an", "to", "of", "in", "on", "at", "down", "up", "across", "from", "for", "and", "or", "with",
        "by", "my", "your", "his", "her", "our", "their", "this", "that", "blocks", "block", "miles", "mile",
        "minutes", "times", "days", "weeks", "years", "is", "was", "are", "i", "we", "you", "he", "she", "it",
        "they", "off", "onto", "into", "near", "past", "along", "over", "cross", "crossed", "crossing",
    ]
    static let directions: WordSet = ["n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west"]

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        var index = 0
        while index < tokens.count {
            // Every street starts with a house number and every PO box with a word beginning in
            // "p": two checks inline instead of two calls for every token.
            // A secondary unit ("Apt. 4B") is a word followed by its value or a '.' or '#': checked
            // before the word, which would otherwise be looked up for every "a", "so" and "us".
            let unitLike = tokens[index].kind == .word && index + 1 < tokens.count
                && (tokens[index + 1].digitCount > 0 || tokens[index + 1].isPunct(".") || tokens[index + 1].isPunct("#")
                    || tokens[index + 1].length == 1 && tokens[index + 1].isAllCapitals)
            guard tokens[index].digitCount > 0 || tokens[index].kind == .word && tokens[index].text.first == UInt8(ascii: "p") || unitLike else {
                index += 1
                continue
            }
            if let candidate = poBox(tokens, index) ?? street(tokens, index) ?? (unitLike ? secondaryUnit(tokens, index) : nil) {
                candidates.append(candidate.0)
                index = candidate.1 + 1
            } else {
                index += 1
            }
        }
        return candidates
    }

    private func street(_ tokens: [Token], _ index: Int) -> (Candidate, Int)? {
        let number = tokens[index]
        // House numbers: 1-6 digits, optionally with a letter ("12B").
        guard number.kind == .number && number.length <= 6
            || number.kind == .word && number.digitCount > 0 && number.letterCount == 1 && number.length <= 6 && number.text.integerValue(from: 0, length: 1) != nil
        else { return nil }
        var cursor = index + 1
        var nameWords = 0
        var suffixIndex: Int?
        while cursor < tokens.count, nameWords <= 5 {
            let token = tokens[cursor]
            if token.isPunct(".") { cursor += 1; continue }
            guard token.kind == .word || (token.kind == .number && token.ordinal) else { break }
            if Self.suffixes.contains(token.text), nameWords >= 1 {
                suffixIndex = cursor
                // "Main Street West" / "Main St. NW"
                var next = cursor + 1
                if next < tokens.count, tokens[next].isPunct(".") { next += 1 }
                if next < tokens.count, Self.directions.contains(tokens[next].text), tokens[next].kind == .word {
                    suffixIndex = next
                }
                break
            }
            if Self.notStreetNames.contains(token.text) { return nil }
            nameWords += 1
            cursor += 1
        }
        guard var end = suffixIndex else { return nil }
        var confidence = 0.85
        // Unit: "Apt 4B", "Suite 200", "#12"
        var next = end + 1
        if next < tokens.count, tokens[next].isPunct(",") { next += 1 }
        if next < tokens.count, Self.units.contains(tokens[next].text) {
            var unit = next + 1
            if unit < tokens.count, tokens[unit].isPunct(".") || tokens[unit].isPunct("#") { unit += 1 }
            if unit < tokens.count, tokens[unit].isAlphanumeric, tokens[unit].length <= 6 {
                end = unit
                confidence = 0.9
            }
        }
        if let tail = cityStateZip(tokens, after: end) {
            end = tail
            confidence = 0.9
        }
        return (Candidate(kind: .address, start: number.start, end: tokens[end].end, confidence: confidence), end)
    }

    /// ", Seattle, WA 98101" / " Seattle Washington 98101" after a street: up to three city words,
    /// then a state, then an optional ZIP. Returns the last token index.
    func cityStateZip(_ tokens: [Token], after end: Int) -> Int? {
        var cursor = end + 1
        if cursor < tokens.count, tokens[cursor].isPunct(",") { cursor += 1 }
        for cityWords in 0...3 {
            var stateIndex = cursor + cityWords
            if stateIndex < tokens.count, tokens[stateIndex].isPunct(",") { stateIndex += 1 }
            guard stateIndex < tokens.count, tokens[cursor..<min(cursor + cityWords, tokens.count)].allSatisfy({ $0.kind == .word }),
                  let length = USStates.length(at: stateIndex, in: tokens) else { continue }
            var last = stateIndex + length - 1
            if last + 1 < tokens.count, tokens[last + 1].kind == .number, tokens[last + 1].length == 5 {
                last += 1
                if last + 2 < tokens.count, tokens[last + 1].isPunct("-"), tokens[last + 2].length == 4, tokens[last + 2].kind == .number {
                    last += 2
                }
            }
            return last
        }
        return nil
    }

    /// Where one lives inside a building, said alone ("I'm in Apt. 4B", "Suite 512"): part of a
    /// street address under Safe Harbor. The value must hold a digit, or be one letter ("Unit C").
    /// 0.75; "unit" 0.65, since a hospital unit is a place of care, not a home.
    private func secondaryUnit(_ tokens: [Token], _ index: Int) -> (Candidate, Int)? {
        guard Self.standaloneUnits.contains(tokens[index].text) else { return nil }
        var cursor = index + 1
        while cursor < tokens.count, tokens[cursor].isPunct(".") || tokens[cursor].isPunct("#") || tokens[cursor].text == "number"
                || tokens[cursor].text == "no" { cursor += 1 }
        guard cursor < tokens.count, tokens[cursor].isAlphanumeric, tokens[cursor].length <= 5,
              tokens[cursor].digitCount > 0 || tokens[cursor].length == 1 && tokens[cursor].isAllCapitals else { return nil }
        var end = cursor
        // "4-B", "12 B"
        if end + 2 < tokens.count, tokens[end + 1].isPunct("-"), !tokens[end + 1].spaceBefore, tokens[end + 2].length <= 2,
           tokens[end + 2].isAlphanumeric { end += 2 }
        let confidence = tokens[index].text == "unit" ? 0.65 : 0.75
        return (Candidate(kind: .address, start: tokens[index].start, end: tokens[end].end, confidence: confidence), end)
    }

    static let standaloneUnits: WordSet = ["apt", "apartment", "suite", "ste", "unit"]

    private func poBox(_ tokens: [Token], _ index: Int) -> (Candidate, Int)? {
        var cursor = index
        let lower = tokens[index].text
        if lower == "po" || lower == "p" {
            cursor += 1
            while cursor < tokens.count, tokens[cursor].isPunct(".") || tokens[cursor].text == "o" { cursor += 1 }
        } else if lower == "post", index + 2 < tokens.count, tokens[index + 1].text == "office" {
            cursor += 2
        } else {
            return nil
        }
        guard cursor + 1 < tokens.count, tokens[cursor].text == "box", tokens[cursor + 1].kind == .number else { return nil }
        var end = cursor + 1
        if let tail = cityStateZip(tokens, after: end) { end = tail }
        return (Candidate(kind: .address, start: tokens[index].start, end: tokens[end].end, confidence: 0.85), end)
    }
}
