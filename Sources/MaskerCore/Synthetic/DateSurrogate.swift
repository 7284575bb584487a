/// DATE and DOB: every date of a session moves by the session's shift (a year or more, never zero),
/// so intervals stay true, and is written back in the original's form: numeric or ISO with the
/// same widths and separators, month names full or abbreviated in the same case, ordinals, and
/// dates said as words ("april twelfth nineteen ninety"). AGE (over 89) moves by the same shift in
/// years, so an age stays consistent with a shifted date of birth.
enum DateSurrogate {
    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                             "november", "december"]
    static let monthAbbreviations = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private enum Part { case month, day, year }

    static func make(_ original: String, _ context: inout SurrogateContext) -> String {
        let tokens = ScannedText(original).tokens
        var parts: [(token: Token, part: Part, value: Int)] = []
        let numbers = tokens.filter { $0.kind == .number || $0.roles.contains(.writtenOrdinal) }
        let monthWord = tokens.first { $0.roles.contains(.month) && NumberWords.months[$0.text] != nil }
        if let monthWord, let month = NumberWords.months[monthWord.text] {
            parts.append((monthWord, .month, month))
            for token in numbers {
                let value = leadingNumber(token)
                if !parts.contains(where: { $0.part == .day }), (1...31).contains(value), token.text.count <= 2 || token.ordinal {
                    parts.append((token, .day, value))
                } else if !parts.contains(where: { $0.part == .year }) {
                    parts.append((token, .year, value))
                }
            }
        } else if numbers.count >= 2 {
            let values = numbers.map(leadingNumber)
            if numbers[0].text.count == 4 {
                parts = [(numbers[0], .year, values[0]), (numbers[1], .month, values[1])]
                if numbers.count > 2 { parts.append((numbers[2], .day, values[2])) }
            } else {
                parts = [(numbers[0], .month, values[0]), (numbers[1], .day, values[1])]
                if numbers.count > 2 { parts.append((numbers[2], .year, values[2])) }
            }
        }
        let month = parts.first { $0.part == .month }?.value ?? 0
        let day = parts.first { $0.part == .day }?.value ?? 1
        let yearPart = parts.first { $0.part == .year }
        var year = yearPart?.value ?? 2000
        if let yearPart, yearPart.token.text.count == 2, !yearPart.token.spoken { year += year > 30 ? 1900 : 2000 }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else {
            // Not a date this reader understands: every digit and month word is still replaced.
            return IdentifierSurrogate.make(original, kind: .otherID, &context)
        }
        let shifted = civil(days(year: year, month: month, day: day) + context.dateShiftDays)
        var replacements: [(start: Int, end: Int, text: String)] = []
        let scalars = Array(original.unicodeScalars)
        func text(_ token: Token) -> String { String(String.UnicodeScalarView(scalars[token.start..<token.end])) }
        // Fixed widths ("04/02/1990", ISO) stay fixed; "4/12" stays unpadded.
        let padded = parts.first?.part == .year || parts.contains { $0.token.kind == .number && !$0.token.spoken && text($0.token).hasPrefix("0") }
        for (token, part, _) in parts {
            let value = part == .month ? shifted.month : (part == .day ? shifted.day : shifted.year)
            replacements.append((token.start, token.end, render(value, part: part, like: token, originalText: text(token), padded: padded)))
        }
        return replace(original, replacements)
    }

    private static func render(_ value: Int, part: Part, like token: Token, originalText: String, padded: Bool) -> String {
        let style = CaseStyle(originalText)
        if token.roles.contains(.month), part == .month {
            let abbreviated = monthAbbreviations.contains(token.text.string) && token.text.string != "may"
            return style.apply(abbreviated ? monthAbbreviations[value - 1] : monthNames[value - 1])
        }
        if token.roles.contains(.writtenOrdinal) || (token.ordinal && !token.spoken) { return SpokenNumber.writtenOrdinal(value) }
        if token.spoken {
            let words: String
            switch part {
            case .year: words = SpokenNumber.year(value)
            case .day: words = token.ordinal ? SpokenNumber.ordinal(value) : SpokenNumber.cardinal(value)
            case .month: words = SpokenNumber.cardinal(value)
            }
            return style.apply(words)
        }
        let width = token.text.count
        let shown = part == .year && width == 2 ? value % 100 : value
        let digits = String(shown)
        return padded || part == .year ? String(repeating: "0", count: max(0, width - digits.count)) + digits : digits
    }

    /// AGE: the number moves by the session's shift in whole years (the person is as much younger
    /// as the date of birth is later), in the original's form.
    static func age(_ original: String, _ context: inout SurrogateContext) -> String {
        let tokens = ScannedText(original).tokens
        guard let number = tokens.first(where: { $0.kind == .number }) else { return IdentifierSurrogate.make(original, kind: .otherID, &context) }
        let years = Int((Double(context.dateShiftDays) / 365.25).rounded())
        let age = max(0, leadingNumber(number) - (years == 0 ? 1 : years))
        let originalText = String(String.UnicodeScalarView(Array(original.unicodeScalars)[number.start..<number.end]))
        let text = number.spoken ? CaseStyle(originalText).apply(SpokenNumber.cardinal(min(age, 999))) : String(age)
        return replace(original, [(number.start, number.end, text)])
    }

    static func leadingNumber(_ token: Token) -> Int {
        Int(token.text.string.prefix { $0.isNumber }) ?? 0
    }

    static func replace(_ text: String, _ replacements: [(start: Int, end: Int, text: String)]) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = ""
        var next = 0
        for replacement in replacements.sorted(by: { $0.start < $1.start }) where replacement.start >= next {
            output += String(String.UnicodeScalarView(scalars[next..<replacement.start])) + replacement.text
            next = replacement.end
        }
        return output + String(String.UnicodeScalarView(scalars[min(next, scalars.count)...]))
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01, by the civil-calendar arithmetic the audit timestamps use.
    static func days(year: Int, month: Int, day: Int) -> Int {
        Int(UTCTimestamp.days(fromCivil: Int64(year), Int64(month), Int64(day)))
    }

    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let (year, month, day) = UTCTimestamp.civil(fromDays: Int64(days))
        return (Int(year), Int(month), Int(day))
    }
}
