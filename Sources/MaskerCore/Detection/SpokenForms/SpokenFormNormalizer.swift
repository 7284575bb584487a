/// Rewrites speech-recognition output into the canonical forms the recognizers scan, keeping each
/// rewritten token's span on the original words:
///
/// - letter-by-letter spelling: "c h e n" → `chen`, "S as in Sam" → `s`, "a b one two three four" → `ab1234`
/// - number words: "four one five" → `415`, "nineteen ninety" → `1990`, "double five" → `55`,
///   "four hundred twelve" → `412`, "oh" as zero beside other digits; fillers between digit groups dropped
/// - ordinals beside a month: "april twelfth" → `12` (ordinal); written "12th" likewise
/// - spoken email and URL parts: "sarah dot chen at gmail dot com" → `sarah.chen@gmail.com`,
///   "example dot com slash portal" → `example.com/portal`
///
/// Each step is a single left-to-right pass over the tokens; nothing is re-scanned.
public enum SpokenFormNormalizer {
    public static func normalize(_ tokens: [Token]) -> [Token] {
        var result = joinSpelledRuns(tokens)
        // Each later pass runs only when some token has the role it rewrites: most turns need none or one.
        var roles: SpokenRole = []
        var numbers = false
        for token in result {
            roles.formUnion(token.roles)
            if token.kind == .number { numbers = true }
        }
        if roles.contains(.numberWord) || roles.contains(.zeroWord) && numbers {
            result = convertNumberWords(result, hasNumberWord: roles.contains(.numberWord))
        }
        if roles.contains(.writtenOrdinal) || roles.contains(.ordinal) && roles.contains(.month) { result = convertOrdinals(result) }
        if roles.contains(.dot) { result = joinSpokenAddresses(result) }
        return result
    }

    // MARK: Spelling

    /// One spelled unit: a single letter, "X as in Word", or a single digit (word or numeral);
    /// inside a run, "oh" is a zero ("… one one three oh").
    private static func spelledUnit(_ tokens: [Token], _ index: Int, inRun: Bool = false) -> (text: TokenText, isLetter: Bool, length: Int)? {
        let token = tokens[index]
        if inRun, token.text == "oh" { return (TokenText(decimal: 0), false, 1) }
        if token.kind == .word, token.end - token.start == 1, token.length <= 4 {
            // "S as in Sam"
            if index + 3 < tokens.count, tokens[index + 1].text == "as", tokens[index + 2].text == "in",
               tokens[index + 3].kind == .word, tokens[index + 3].text.first == token.text.first {
                return (token.text, true, 4)
            }
            return (token.text, true, 1)
        }
        if token.kind == .word, let digit = NumberWords.singleDigit(token) { return (TokenText(decimal: digit), false, 1) }
        if token.kind == .number, token.length == 1 { return (token.text, false, 1) }
        return nil
    }

    /// What `spelledUnit` can accept outside a run, checked inline: the scan for two units in a
    /// row calls it for every token of every turn, and most tokens are none of these.
    @inline(__always) private static func mayBeSpelledUnit(_ token: Token) -> Bool {
        switch token.kind {
        case .word: return token.end - token.start == 1 || token.roles.contains(.numberWord)
        case .number: return token.length == 1
        case .punct: return false
        }
    }

    /// A hyphen, comma or period that ASR puts between spelled letters ("c-h-e-n"), followed by a unit.
    private static func separatorThenUnit(_ tokens: [Token], _ index: Int) -> Bool {
        index + 1 < tokens.count && (tokens[index].isPunct("-") || tokens[index].isPunct(",") || tokens[index].isPunct("."))
            && !tokens[index].lineBreakBefore && !tokens[index + 1].lineBreakBefore
            && spelledUnit(tokens, index + 1, inRun: true) != nil
    }

    static func joinSpelledRuns(_ tokens: [Token]) -> [Token] {
        // Most turns spell nothing: two spelled units in a row are needed before any copy is made.
        // (Cheap since number words carry their role: `spelledUnit` probes no table for other words.)
        // A unit can span several tokens ("S as in Sam"), so the next one starts after all of them.
        func startsTwoUnits(_ index: Int) -> Bool {
            // What follows must be able to continue a run (a unit, a separator, the "as" of "S as
            // in Sam") before any unit is parsed: in ordinary speech "i" and "a" are units too.
            guard index + 1 < tokens.count, mayBeSpelledUnit(tokens[index]) else { return false }
            let follower = tokens[index + 1]
            guard mayBeSpelledUnit(follower) || follower.kind == .punct || follower.text == "as",
                  let unit = spelledUnit(tokens, index) else { return false }
            let next = index + unit.length
            // A spelled run never goes on past the end of its line.
            guard next < tokens.count, !tokens[next].lineBreakBefore else { return false }
            return spelledUnit(tokens, next) != nil || separatorThenUnit(tokens, next)
        }
        // Find the spelled runs first and copy only when there is one (`splice`): spoken digits
        // ("four one five …") are units too, and a turn that reads out a phone number has runs
        // to try but nothing to join, so it used to be copied token by token for no change.
        var spelled: [(first: Int, last: Int, token: Token)] = []
        var index = 0
        while index < tokens.count {
            // A run of fewer than two units is never spelling, and its tokens stay as they are.
            // Most tokens cannot even be a unit, which is tested inline: calling `startsTwoUnits`
            // for every token of every turn was 4 % of the regex pass in `perf`.
            guard mayBeSpelledUnit(tokens[index]), startsTwoUnits(index) else {
                index += 1
                continue
            }
            var units: [(text: TokenText, isLetter: Bool)] = []
            var cursor = index
            var last = index
            while cursor < tokens.count, let unit = spelledUnit(tokens, cursor, inRun: !units.isEmpty) {
                units.append((unit.text, unit.isLetter))
                last = cursor + unit.length - 1
                cursor += unit.length
                // The next unit follows after a space, or after a hyphen, comma or period that ASR
                // inserts between spelled letters ("c-h-e-n").
                guard cursor < tokens.count, !tokens[cursor].lineBreakBefore else { break }
                if separatorThenUnit(tokens, cursor) {
                    cursor += 1
                } else if !tokens[cursor].spaceBefore {
                    break
                }
            }
            let runEnd = last
            // A trailing "a" or "i" is the article or the pronoun after the spelled run ("… four five i
            // have"), not part of it.
            while units.count > 1, let lastUnit = units.last, lastUnit.isLetter, lastUnit.text == "a" || lastUnit.text == "i" {
                units.removeLast()
                last -= 1
                while last > index, tokens[last].kind == .punct { last -= 1 }
            }
            let letters = units.filter(\.isLetter).count
            let digits = units.count - letters
            // Three letters in a row, or letters mixed with digits in a run of four, are spelling;
            // fewer could be ordinary words ("a", "I") next to a number.
            let isSpelling = (digits == 0 && letters >= 3) || (letters >= 1 && digits >= 1 && units.count >= 4)
            if isSpelling {
                var joined = TokenText()
                for unit in units { joined.append(unit.text) }
                spelled.append((index, last, Token(kind: .word, text: joined, start: tokens[index].start, end: tokens[last].end,
                                                   spaceBefore: tokens[index].spaceBefore,
                                                   lineBreakBefore: tokens[index].lineBreakBefore, spoken: true)))
                index = last + 1
            } else {
                // Every run that starts inside this one ends where it ends, with no more letters,
                // digits or units, so none of them is spelling either: the whole run stays as it
                // is. (Retrying from the next token made ten spoken digits cost 55 unit parses.)
                index = runEnd + 1
            }
        }
        return splice(tokens, spelled)
    }

    /// `tokens` with each stretch `first...last` replaced by its one token (stretches ascending,
    /// not overlapping); `tokens` itself when there is none. Passes that change few tokens find
    /// their changes first and copy once, in whole stretches, and not at all when nothing changed.
    static func splice(_ tokens: [Token], _ replacements: [(first: Int, last: Int, token: Token)]) -> [Token] {
        guard !replacements.isEmpty else { return tokens }
        // Each stretch becomes one token: never more tokens than were read.
        return TokenBuffer.array(capacity: tokens.count) { output in
            var copied = 0
            for replacement in replacements {
                output.write(contentsOf: tokens[copied..<replacement.first])
                output.write(replacement.token)
                copied = replacement.last + 1
            }
            output.write(contentsOf: tokens[copied...])
        }
    }

    // MARK: Numbers

    private static func isZeroWord(_ tokens: [Token], _ index: Int) -> Bool {
        guard tokens[index].roles.contains(.zeroWord) else { return false }
        // "Columbus, OH 43215": written in capitals, "OH" is Ohio, not a zero said as "oh".
        if tokens[index].isAllCapitals, tokens[index].text.count == 2 { return false }
        func numeric(_ i: Int) -> Bool {
            guard i >= 0, i < tokens.count else { return false }
            let token = tokens[i]
            return token.kind == .number || NumberWords.isNumberWord(token)
        }
        return numeric(index - 1) || numeric(index + 1)
    }

    /// "to", "for", "won", "ate" as a recogniser writes the digits two, four, one and eight
    /// ("six one seven five five five zero one four to"): a digit only after at least two
    /// single digits, and then only with another single digit next ("five to one"), or ending a
    /// run of at least six when nothing but punctuation or the end of the line follows, or as the
    /// tenth after nine. "Five five five one two one two to confirm" keeps its "to".
    private static func homophoneDigit(_ tokens: [Token], _ index: Int, after words: [NumberWords.Meaning]) -> Int? {
        guard tokens[index].roles.contains(.homophone), let digit = NumberWords.homophones[tokens[index].text] else { return nil }
        var singles = 0
        for word in words.reversed() {
            guard case .unit = word else { break }
            singles += 1
        }
        guard singles >= 2 else { return nil }
        // Nine digits and a homophone: a ten-digit phone number's last digit, whatever follows
        // (recognisers write no punctuation: "… zero one four to my date of birth").
        if singles == 9 { return digit }
        let next = index + 1
        guard next < tokens.count, !tokens[next].lineBreakBefore else { return singles >= 6 ? digit : nil }
        let following = tokens[next]
        if NumberWords.singleDigit(following) != nil || (following.kind == .number && following.length == 1)
            || (following.kind == .word && isZeroWord(tokens, next)) {
            return digit
        }
        return singles >= 6 && following.kind == .punct && !following.isPunct("-") ? digit : nil
    }

    /// - Parameter hasNumberWord: a token is known to carry the number-word role, so one is
    ///   numeric and the scan for one can be skipped.
    static func convertNumberWords(_ tokens: [Token], hasNumberWord: Bool = false) -> [Token] {
        // Looked up when asked: only number words (by their role) probe the table, so an array of
        // every token's meaning, made up front, cost more (an allocation per turn) than it saved.
        let table = NumberWords.meanings
        func meaning(_ index: Int) -> NumberWords.Meaning? { tokens[index].roles.contains(.numberWord) ? table[tokens[index].text] : nil }
        func isNumeric(_ index: Int) -> Bool {
            meaning(index) != nil || (tokens[index].kind == .word && isZeroWord(tokens, index))
        }
        guard hasNumberWord || tokens.indices.contains(where: isNumeric) else { return tokens }
        // A run of number words becomes one token, a filler none: never more tokens than were read.
        return TokenBuffer.array(capacity: tokens.count) { output in
            var index = 0
            while index < tokens.count {
                guard isNumeric(index) else {
                    // A filler between two digit groups of one line is dropped: "415 uh 555".
                    if let previous = output.last, previous.kind == .number, NumberWords.fillers.contains(tokens[index].text),
                       index + 1 < tokens.count, !tokens[index].lineBreakBefore, !tokens[index + 1].lineBreakBefore,
                       tokens[index + 1].kind == .number || isNumeric(index + 1) {
                        index += 1
                        continue
                    }
                    output.write(tokens[index])
                    index += 1
                    continue
                }
                // Collect the run: number words separated by spaces or hyphens ("twenty-one"), on one line.
                var words: [NumberWords.Meaning] = []
                var end = index
                var cursor = index
                while cursor < tokens.count {
                    if cursor > index, tokens[cursor].lineBreakBefore { break }
                    if let meaning = meaning(cursor) {
                        words.append(meaning)
                    } else if isZeroWord(tokens, cursor) {
                        words.append(.unit(0))
                    } else if let digit = homophoneDigit(tokens, cursor, after: words) {
                        words.append(.unit(digit))
                    } else if tokens[cursor].isPunct("-"), cursor + 1 < tokens.count, isNumeric(cursor + 1), !words.isEmpty {
                        cursor += 1
                        continue
                    } else if tokens[cursor].text == "and", case .scale? = words.last,
                              cursor + 1 < tokens.count, isNumeric(cursor + 1) {
                        cursor += 1
                        continue
                    } else {
                        break
                    }
                    end = cursor
                    cursor += 1
                }
                if let digits = digits(for: words) {
                    var token = Token(kind: .number, text: digits, start: tokens[index].start, end: tokens[end].end,
                                      spaceBefore: tokens[index].spaceBefore, lineBreakBefore: tokens[index].lineBreakBefore, spoken: true)
                    token.digitByDigit = words.allSatisfy {
                        if case .unit = $0 { return true }
                        if case .repeater = $0 { return true }
                        return false
                    }
                    output.write(token)
                } else {
                    output.write(contentsOf: tokens[index...end])
                }
                index = end + 1
            }
        }
    }

    /// Digits for a run of number words, reading them the way people say numbers aloud: each
    /// group is written out and the groups are concatenated ("five fifty five" → 555,
    /// "twenty twenty four" → 2024), while "hundred" and "thousand" multiply ("four hundred twelve" → 412).
    static func digits(for words: [NumberWords.Meaning]) -> TokenText? {
        var output = TokenText()
        var index = 0
        func below100(_ i: inout Int) -> Int? {
            guard i < words.count else { return nil }
            switch words[i] {
            case let .tens(tens):
                i += 1
                if i < words.count, case let .unit(unit) = words[i], unit > 0 { i += 1; return tens + unit }
                return tens
            case let .teen(teen): i += 1; return teen
            case let .unit(unit): i += 1; return unit
            default: return nil
            }
        }
        func scale(_ i: Int) -> Int? {
            guard i < words.count, case let .scale(value) = words[i] else { return nil }
            return value
        }
        // "four hundred twelve", "nineteen hundred": a group below 100, optionally times a hundred plus a rest.
        func belowThousand(_ i: inout Int) -> Int? {
            guard var value = below100(&i) else { return nil }
            if scale(i) == 100, value < 100 {
                value *= 100
                i += 1
                if let rest = below100(&i) { value += rest }
            }
            return value
        }
        while index < words.count {
            if case let .repeater(times) = words[index] {
                guard index + 1 < words.count, case let .unit(digit) = words[index + 1] else { return nil }
                for _ in 0..<times { output.append(decimal: digit) }
                index += 2
                continue
            }
            if let alone = scale(index) { // "a hundred" without its "a"
                output.append(decimal: alone)
                index += 1
                continue
            }
            guard var value = belowThousand(&index) else { return nil }
            if scale(index) == 1000 {
                value *= 1000
                index += 1
                var restIndex = index
                if let rest = belowThousand(&restIndex) {
                    value += rest
                    index = restIndex
                }
            }
            output.append(decimal: value)
        }
        return output.isEmpty ? nil : output
    }

    // MARK: Ordinals

    static func convertOrdinals(_ tokens: [Token]) -> [Token] {
        var ordinals: [(first: Int, last: Int, token: Token)] = []
        for index in tokens.indices {
            let token = tokens[index]
            // Written ordinals: "12th", "1st", "23rd".
            if token.roles.contains(.writtenOrdinal), let value = writtenOrdinal(token.text) {
                ordinals.append((index, index, Token(kind: .number, text: TokenText(decimal: value), start: token.start, end: token.end,
                                                     spaceBefore: token.spaceBefore, lineBreakBefore: token.lineBreakBefore,
                                                     spoken: token.spoken, ordinal: true)))
                continue
            }
            // Spoken ordinals only beside a month ("april twelfth", "the twelfth of april"): "second"
            // and "first" are ordinary words everywhere else.
            guard token.roles.contains(.ordinal), var value = NumberWords.ordinals[token.text],
                  nearMonth(tokens, index) else { continue }
            var first = index
            var start = token.start
            var spaceBefore = token.spaceBefore
            var lineBreakBefore = token.lineBreakBefore
            // "twenty first" arrives as the number 20 followed by "first": one ordinal, 21. The
            // token before is an ordinal made just now, or the original one.
            let madeBefore = ordinals.last.flatMap { $0.last == index - 1 ? $0 : nil }
            if index > 0, value < 10, !token.lineBreakBefore {
                let previous = madeBefore?.token ?? tokens[index - 1]
                if previous.kind == .number, previous.spoken, let tens = previous.text.integerValue, tens == 20 || tens == 30 {
                    value += tens
                    start = previous.start
                    spaceBefore = previous.spaceBefore
                    lineBreakBefore = previous.lineBreakBefore
                    if let madeBefore {
                        first = madeBefore.first
                        ordinals.removeLast()
                    } else {
                        first = index - 1
                    }
                }
            }
            ordinals.append((first, index, Token(kind: .number, text: TokenText(decimal: value), start: start, end: token.end,
                                                 spaceBefore: spaceBefore, lineBreakBefore: lineBreakBefore, spoken: true, ordinal: true)))
        }
        return splice(tokens, ordinals)
    }

    /// "12th", "1st", "23rd": one or two digits and a suffix, checked on bytes (this runs on every word).
    static func writtenOrdinal(_ text: TokenText) -> Int? {
        guard text.count == 3 || text.count == 4, let first = text.first, first >= 48, first <= 57 else { return nil }
        let suffix = (text.byte(at: text.count - 2), text.byte(at: text.count - 1))
        let isSuffix = suffix == (0x73, 0x74) || suffix == (0x6E, 0x64) || suffix == (0x72, 0x64) || suffix == (0x74, 0x68) // st nd rd th
        return isSuffix ? text.integerValue(from: 0, length: text.count - 2) : nil
    }

    /// A month name within three tokens. "may" counts only before the ordinal ("may first"),
    /// since after it ("the first may be") it is usually the verb.
    private static func nearMonth(_ tokens: [Token], _ index: Int) -> Bool {
        let window = max(0, index - 3)...min(tokens.count - 1, index + 3)
        return window.contains { position in
            guard tokens[position].roles.contains(.month) else { return false }
            return tokens[position].text != "may" || position < index
        }
    }

    // MARK: Email and URL

    static let topLevelDomains: WordSet = [
        "com", "org", "net", "edu", "gov", "mil", "int", "io", "us", "co", "info", "biz", "me", "health", "care",
        "app", "dev", "ai", "tv", "xyz", "online", "site", "clinic", "hospital", "doctor", "dental", "pharmacy",
        // country codes in common use
        "uk", "ca", "de", "fr", "au", "in", "nl", "be", "ch", "at", "se", "no", "dk", "fi", "ie", "es", "it", "pt",
        "pl", "cz", "sk", "si", "hr", "hu", "ro", "bg", "gr", "tr", "ru", "ua", "il", "za", "ng", "ke", "eg",
        "ma", "tn", "br", "mx", "ar", "cl", "pe", "jp", "cn", "kr", "tw", "hk", "sg", "my", "ph", "th", "vn",
        "id", "nz", "pk", "bd", "lk", "ae", "sa", "qa",
    ]
    static let localPartConnectors = WordTable<StaticString>(["dot": ".", "underscore": "_", "dash": "-", "hyphen": "-", "period": "."])
    /// Words that precede a spoken "at" in ordinary speech and are never an email's local part.
    static let notLocalParts: WordSet = [
        "us", "me", "him", "her", "them", "it", "look", "looking", "here", "there", "home", "work", "back", "you",
        "we", "i", "is", "was", "be", "arrive", "arrived", "call", "calling", "staying", "stay", "live", "lives",
        "living", "seen", "see", "office", "clinic", "the", "a", "an", "and", "or", "but", "then", "that", "this",
    ]

    /// Words that introduce an address rather than begin one ("my email is two at …" has no name part).
    static let localPartIntroducers: WordSet = ["email", "mail", "e", "address", "its", "it's", "at", "my", "your", "to", "send"]

    static func joinSpokenAddresses(_ tokens: [Token]) -> [Token] {
        var output = tokens
        var index = 0
        while index < output.count {
            // Spoken IPv4: number dot number dot number dot number.
            if output[index].kind == .number, index + 6 < output.count,
               (0..<3).allSatisfy({ output[index + 1 + 2 * $0].text == "dot" && output[index + 2 + 2 * $0].kind == .number }) {
                for part in 0..<3 { joinConnector(&output, at: index + 1 + 2 * part, as: ".") }
                index += 7
                continue
            }
            // A domain chain: label (dot label)+ ending in a top-level domain.
            guard output[index].isAlphanumeric, index + 2 < output.count, output[index + 1].text == "dot" else {
                index += 1
                continue
            }
            var labels = [index]
            var cursor = index + 1
            while cursor + 1 < output.count, output[cursor].text == "dot", output[cursor + 1].isAlphanumeric {
                labels.append(cursor + 1)
                cursor += 2
            }
            guard labels.count >= 2, let last = labels.last, topLevelDomains.contains(output[last].text) else {
                index += 1
                continue
            }
            for label in labels.dropFirst() { joinConnector(&output, at: label - 1, as: ".") }
            // "slash path" after the domain.
            var tail = last + 1
            while tail + 1 < output.count, output[tail].text == "slash", output[tail + 1].isAlphanumeric {
                joinConnector(&output, at: tail, as: "/")
                tail += 2
            }
            // "local at domain": the word before "at" (and any "dot"/"underscore"-joined words before it).
            let atIndex = index - 1
            if atIndex >= 1, output[atIndex].text == "at", output[atIndex - 1].isAlphanumeric,
               !notLocalParts.contains(output[atIndex - 1].text) {
                joinConnector(&output, at: atIndex, as: "@")
                var local = atIndex - 1
                while local >= 2, let symbol = localPartConnectors[output[local - 1].text], output[local - 2].isAlphanumeric {
                    joinConnector(&output, at: local - 1, as: symbol)
                    local -= 2
                }
                // "robertcohen two at yahoo dot com": digits read out after a word are the end of
                // that word's local part (robertcohen2@), or the word would be left outside the span.
                if output[local].kind == .number, output[local].spoken, local >= 1, output[local - 1].kind == .word,
                   !notLocalParts.contains(output[local - 1].text), !localPartIntroducers.contains(output[local - 1].text) {
                    output[local].spaceBefore = false
                }
            }
            index = tail
        }
        return output
    }

    /// Turns the spoken connector at `index` ("dot", "at", "slash") into its symbol and joins it to
    /// the token after it, as the written form would be.
    private static func joinConnector(_ tokens: inout [Token], at index: Int, as symbol: StaticString) {
        let word = tokens[index]
        tokens[index] = Token(kind: .punct, text: TokenText(symbol), start: word.start, end: word.end, spaceBefore: false, spoken: true)
        tokens[index + 1].spaceBefore = false
    }
}
