/// DATE and DOB: numeric (`4/12/1990`, `04-12-90`, `12.04.1990`), ISO (`1990-04-12`), written
/// (`April 12, 1990`, `12 April 1990`, `Apr 12th`, `April 1990`), spoken ("april twelfth nineteen
/// ninety", "the twelfth of april"), partial (`4/12`), and eight spoken digits after a birth-date
/// phrase ("oh four one two nineteen ninety"). A date is a DOB when a birth phrase comes shortly
/// before it.
///
/// Impossible dates (month 13, February 30) are dropped, not lowered: they are not dates. A year
/// alone is not PHI under Safe Harbor and is not reported. Also: ISO 8601 timestamps
/// (`2024-03-15T14:30Z`, the time included), dates joined by dashes (`5-May-2021`, `21-May`,
/// `May-21`, `Jan-2024`) and month/year (`5/2021`). Confidence: written and ISO 0.9, numeric m/d/y
/// 0.85, month and year 0.75, partial m/d 0.6 (0.75 with date context; 0.45 when it reads as a
/// dose, fraction, score or setting: see `partialConfidence` and `ClinicalNotation`), DOB context
/// raises any of these to 0.95. A two-digit-year m/d/y written as a setting ("PSV 10/5/35%") is
/// not a date.
struct DateRecognizer: Recognizer {
    let name = "date"
    var kinds: Set<EntityKind> { [.date, .dob] }
    var minimumDigits: Int { 1 }

    static let birthContext = ContextPhrases([
        "dob", "born", "birth", "birthday", "date of birth", "birthdate", "bday", "d.o.b",
    ])
    static let dateContext = ContextPhrases([
        "on", "since", "date", "dated", "until", "from", "appointment", "visit", "admitted", "discharged",
        "seen", "scheduled", "surgery", "last", "next", "by", "before", "after", "exp", "expires", "expiry",
        "expiration", "expiring", "valid", "thru", "through", "due", "given", "done", "drawn", "started", "stopped",
        // Events a note dates: "line placed 1/5", "extubated 6/8".
        "placed", "inserted", "removed", "changed", "intubated", "extubated", "held", "resumed", "sent", "collected",
        "performed", "transfused", "dc", "d/c", "dc'd", "onset", "last seen", "injury", "fall",
    ])

    /// Month words that are also ordinary words or abbreviations ("may", "march", "dec"): lower confidence alone.
    static let ambiguousMonths: WordSet = ["may", "march", "mar", "jan", "dec", "aug", "sep", "oct", "nov", "jun", "jul", "apr", "feb"]

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        var index = 0
        while index < tokens.count {
            // Every date starts at a number or a month word: checked inline, not by a call per token.
            guard tokens[index].kind == .number || tokens[index].roles.contains(.month) else {
                index += 1
                continue
            }
            if let (first, end, confidence) = match(tokens, at: index) {
                let isBirth = Self.birthContext.precedes(tokens, index, window: 7)
                candidates.append(Candidate(kind: isBirth ? .dob : .date, start: tokens[first].start,
                                            end: tokens[end].end, confidence: isBirth ? max(confidence, 0.95) : confidence))
                index = end + 1
            } else {
                index += 1
            }
        }
        return candidates
    }

    /// First and last token index and base confidence of a date found at `index`.
    private func match(_ tokens: [Token], at index: Int) -> (Int, Int, Double)? {
        let token = tokens[index]
        let found: (Int, Double)?
        if token.kind == .number {
            found = numeric(tokens, index) ?? dayFirst(tokens, index) ?? spokenDigits(tokens, index)
        } else if token.kind == .word, token.roles.contains(.month), let month = NumberWords.months[token.text] {
            // The role, set when the token was made, spares a table probe for every other word.
            found = monthFirst(tokens, index, month)
        } else {
            found = nil
        }
        return found.map { (index, $0.0, $0.1) }
    }

    // 4/12/1990, 1990-04-12, 12.04.1990, 4/12
    private func numeric(_ tokens: [Token], _ index: Int) -> (Int, Double)? {
        guard index + 2 < tokens.count else { return nil }
        let separator = tokens[index + 1]
        guard separator.isPunct("/") || separator.isPunct("-") || separator.isPunct("."), !separator.spaceBefore,
              tokens[index + 2].kind == .number, !tokens[index + 2].spaceBefore,
              let a = tokens[index].text.integerValue, let b = tokens[index + 2].text.integerValue else { return nil }
        let hasThird = index + 4 < tokens.count && tokens[index + 3].isPunct(separator.text) && !tokens[index + 3].spaceBefore
            && tokens[index + 4].kind == .number && !tokens[index + 4].spaceBefore
        if hasThird, let c = tokens[index + 4].text.integerValue {
            let widths = (tokens[index].length, tokens[index + 2].length, tokens[index + 4].length)
            if widths.0 == 4, Self.isValid(year: a, month: b, day: c) { return (Self.timeEnd(tokens, after: index + 4), 0.9) } // ISO
            guard widths.2 == 4 || widths.2 == 2, widths.0 <= 2, widths.1 <= 2 else { return nil }
            let year = widths.2 == 2 ? (c > 30 ? 1900 + c : 2000 + c) : c
            guard Self.isValid(year: year, month: a, day: b) || Self.isValid(year: year, month: b, day: a) else { return nil }
            // A trailing fourth group ("1.2.3.4") is a version or address, not a date.
            if index + 5 < tokens.count, tokens[index + 5].isPunct(separator.text), !tokens[index + 5].spaceBefore { return nil }
            // "PSV 10/5/35%": a ventilator setting. A four-digit year is a date whatever surrounds it.
            if widths.2 == 2, ClinicalNotation.isMeasurement(tokens, first: index, last: index + 4) { return nil }
            return (index + 4, separator.text == "." ? 0.75 : 0.85)
        }
        let context = Self.dateContext.precedes(tokens, index, window: 3) || Self.birthContext.precedes(tokens, index, window: 7)
        // Month and year: 5/2021, 05/2021, 5-2021.
        if separator.text != ".", tokens[index].length <= 2, tokens[index + 2].length == 4, (1...12).contains(a), (1900...2100).contains(b) {
            return (index + 2, 0.75)
        }
        guard separator.text == "/", tokens[index].length <= 2, tokens[index + 2].length <= 2,
              Self.isValid(year: 2000, month: a, day: b) else { return nil }
        return (index + 2, partialConfidence(tokens, index, a, b, context: context))
    }

    /// Month and day alone (`6/3`, `11/27`, `05/21`): dates in clinical shorthand ("transfer to
    /// CCU 6/3", "PRBC given 11/27"), but also doses, fractions, scores and settings. 0.75 after
    /// date context; 0.45 when written as a measurement or a fraction ("1/2 tablet", "pain 7/10",
    /// "CPAP 5/5", "3/4"), below the default threshold; 0.6 otherwise, and for a zero-padded
    /// month ("05/21", as expiry dates are written), which no fraction has.
    private func partialConfidence(_ tokens: [Token], _ index: Int, _ a: Int, _ b: Int, context: Bool) -> Double {
        if context { return 0.75 }
        let padded = tokens[index].length == 2 && tokens[index].text.byte(at: 0) == UInt8(ascii: "0")
        if ClinicalNotation.isMeasurement(tokens, first: index, last: index + 2) { return 0.45 }
        if padded { return 0.6 }
        // Another slash right after ("1/2/3") or a comparison ("2/3 of") is not a date.
        if index + 3 < tokens.count, tokens[index + 3].isPunct("/") || tokens[index + 3].isPunct("-"), !tokens[index + 3].spaceBefore {
            return 0.45
        }
        return ClinicalNotation.isFractionLike(a, b) ? 0.45 : 0.6
    }

    /// The last token of an ISO 8601 time after a date whose day is `day`: `T14:30Z`,
    /// `T08:15:30+02:00`, `T08:15:30.250Z` (`GluedNumbers` has cut "15T14" apart). `day` when no
    /// time follows.
    static func timeEnd(_ tokens: [Token], after day: Int) -> Int {
        var cursor = day + 1
        guard cursor + 1 < tokens.count, tokens[cursor].text == "t", !tokens[cursor].spaceBefore,
              tokens[cursor + 1].kind == .number, !tokens[cursor + 1].spaceBefore else { return day }
        var end = cursor + 1
        cursor += 2
        // ":mm", ":ss", ".fff", "Z", "+hh:mm", "-hhmm": symbols and digits with no space between.
        while cursor < tokens.count, !tokens[cursor].spaceBefore {
            let token = tokens[cursor]
            if token.isPunct(":") || token.isPunct(".") || token.isPunct("+") || token.isPunct("-") {
                guard cursor + 1 < tokens.count, !tokens[cursor + 1].spaceBefore,
                      tokens[cursor + 1].kind == .number || tokens[cursor + 1].text.first.map({ $0 >= 48 && $0 <= 57 }) == true else { break }
                cursor += 1
                continue
            }
            if token.kind == .number { end = cursor; cursor += 1; continue }
            // "30z", "z": minutes or seconds with the UTC designator.
            if token.kind == .word, token.length <= 10, token.text.byte(at: token.length - 1) == UInt8(ascii: "z"),
               (0..<token.length - 1).allSatisfy({ token.text.byte(at: $0) >= 48 && token.text.byte(at: $0) <= 57 }) {
                end = cursor
            }
            break
        }
        return end
    }

    // April 12, 1990 / April 12th / April 1990 / july of nineteen ninety three / september first of ninety three
    private func monthFirst(_ tokens: [Token], _ index: Int, _ month: Int) -> (Int, Double)? {
        var cursor = index + 1
        if cursor < tokens.count, tokens[cursor].isPunct(".") { cursor += 1 } // "Apr."
        let word = tokens[index].text
        let ambiguous = Self.ambiguousMonths.contains(word)
        // "May-21", "Jan-2024", "Oct/23": a month joined to a day or a year, as tables and forms write them.
        if cursor + 1 < tokens.count, tokens[cursor].isPunct("-") || tokens[cursor].isPunct("/"), !tokens[cursor].spaceBefore,
           tokens[cursor + 1].kind == .number, !tokens[cursor + 1].spaceBefore, let value = tokens[cursor + 1].text.integerValue {
            let length = tokens[cursor + 1].length
            if length == 4, (1900...2100).contains(value) { return (cursor + 1, 0.8) }
            if length <= 2, (1...31).contains(value) || length == 2 { return (cursor + 1, 0.75) }
        }
        if let year = Self.year(tokens, from: cursor, allowOf: true) {
            return (year, ambiguous ? 0.6 : 0.75) // April 1990, july of ninety three
        }
        if let year = Self.misheardDay(tokens, from: cursor), Self.birthContext.precedes(tokens, index, window: 7) {
            return (year, 0.9)
        }
        guard cursor < tokens.count, tokens[cursor].kind == .number, let value = tokens[cursor].text.integerValue else { return nil }
        // "may" is usually the verb ("you may 2 times"): as a month it needs a capital, an ordinal or a year.
        if word == "may", !tokens[index].isCapitalized, !tokens[cursor].ordinal,
           Self.year(tokens, from: cursor + 1, allowOf: true) == nil { return nil }
        guard (1...31).contains(value), tokens[cursor].length <= 2, Self.isValid(year: 2000, month: month, day: value) else { return nil }
        if let yearIndex = Self.year(tokens, from: cursor + 1, allowOf: true) {
            guard let year = tokens[yearIndex].text.integerValue.map(Self.fullYear), Self.isValid(year: year, month: month, day: value) else { return nil }
            return (yearIndex, 0.9)
        }
        return (cursor, ambiguous && !tokens[cursor].ordinal ? 0.6 : 0.8)
    }

    /// A year one or two short words after a month, where the day should be: a speech recogniser
    /// mishearing it ("march for the nineteen eighty" for "march fourth"). Taken only after a birth
    /// phrase (`monthFirst`): what a caller says is their date of birth is masked whole, however
    /// it was heard. The index of the year, or nil.
    static func misheardDay(_ tokens: [Token], from start: Int) -> Int? {
        var cursor = start
        while cursor < tokens.count, cursor - start < 2, tokens[cursor].kind == .word, tokens[cursor].length <= 6 { cursor += 1 }
        guard cursor > start, cursor < tokens.count, tokens[cursor].kind == .number, tokens[cursor].length == 4,
              !tokens[cursor].ordinal, let value = tokens[cursor].text.integerValue, (1900...2100).contains(value) else { return nil }
        return cursor
    }

    /// The index of a year at `start` (after an optional comma, or "of"): four digits 1900–2100, or
    /// two digits after "of" or an apostrophe ("of ninety three", "'93").
    static func year(_ tokens: [Token], from start: Int, allowOf: Bool) -> Int? {
        var cursor = start
        var introduced = false
        if cursor < tokens.count, tokens[cursor].isPunct(",") { cursor += 1 }
        if allowOf, cursor < tokens.count, tokens[cursor].text == "of" { cursor += 1; introduced = true }
        if cursor < tokens.count, tokens[cursor].isPunct("'") || tokens[cursor].isPunct("\u{2019}") { cursor += 1; introduced = true }
        guard cursor < tokens.count, tokens[cursor].kind == .number, !tokens[cursor].ordinal, let value = tokens[cursor].text.integerValue else { return nil }
        if tokens[cursor].length == 4 { return (1900...2100).contains(value) ? cursor : nil }
        return introduced && tokens[cursor].length == 2 ? cursor : nil
    }

    static func fullYear(_ value: Int) -> Int { value >= 100 ? value : (value > 30 ? 1900 + value : 2000 + value) }

    // 12 April 1990 / the 12th of April
    private func dayFirst(_ tokens: [Token], _ index: Int) -> (Int, Double)? {
        guard let day = tokens[index].text.integerValue, (1...31).contains(day), tokens[index].length <= 2 else { return nil }
        var cursor = index + 1
        if cursor < tokens.count, tokens[cursor].text == "of" { cursor += 1 }
        // "5-May-2021", "21-May", "03.Jan.2024": joined with no space, as forms and tables write them.
        var joiner: Token?
        if cursor + 1 < tokens.count, tokens[cursor].isPunct("-") || tokens[cursor].isPunct("/") || tokens[cursor].isPunct("."),
           !tokens[cursor].spaceBefore, !tokens[cursor + 1].spaceBefore, tokens[cursor + 1].kind == .word {
            joiner = tokens[cursor]
            cursor += 1
        }
        guard cursor < tokens.count, let month = NumberWords.months[tokens[cursor].text],
              tokens[cursor].text != "may" || tokens[index].ordinal || joiner != nil,
              Self.isValid(year: 2000, month: month, day: day) else { return nil }
        if let joiner, cursor + 2 < tokens.count, tokens[cursor + 1].isPunct(joiner.text), !tokens[cursor + 1].spaceBefore,
           tokens[cursor + 2].kind == .number, !tokens[cursor + 2].spaceBefore, let value = tokens[cursor + 2].text.integerValue,
           tokens[cursor + 2].length == 4 || tokens[cursor + 2].length == 2 {
            guard Self.isValid(year: Self.fullYear(value), month: month, day: day) else { return nil }
            return (cursor + 2, 0.9)
        }
        if joiner != nil { return (cursor, 0.8) }
        if let yearIndex = Self.year(tokens, from: cursor + 1, allowOf: false) {
            guard let year = tokens[yearIndex].text.integerValue.map(Self.fullYear), Self.isValid(year: year, month: month, day: day) else { return nil }
            return (yearIndex, 0.9)
        }
        return (cursor, 0.8)
    }

    // "oh four one two nineteen ninety" after a birth phrase: MMDDYYYY
    private func spokenDigits(_ tokens: [Token], _ index: Int) -> (Int, Double)? {
        let digits = tokens[index].text
        guard digits.count == 8, Self.birthContext.precedes(tokens, index, window: 7),
              let month = digits.integerValue(from: 0, length: 2), let day = digits.integerValue(from: 2, length: 2),
              let year = digits.integerValue(from: 4, length: 4),
              (1900...2100).contains(year), Self.isValid(year: year, month: month, day: day) else { return nil }
        return (index, 0.9)
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1] && (1000...2999).contains(year)
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }
}
