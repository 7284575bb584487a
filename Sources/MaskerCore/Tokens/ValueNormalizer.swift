/// The normalised value a vault-deterministic token is derived from, so one person's one value gets
/// one token however it was said or written: "415-555-2671", "(415) 555 2671" and "four one five
/// five five five two six seven one" are all `+14155552671`.
///
/// Built on the detection normaliser's canonical tokens, so spoken and written forms meet.
public enum ValueNormalizer {
    public static func normalize(_ value: String, kind: EntityKind) -> String {
        if let written = writtenForm(value, kind: kind) { return written }
        return spokenOrMixed(value, kind: kind)
    }

    /// The shortcut for a phone number written without letters or spaces ("415-555-2671",
    /// "+44(20)7946-0958"), which needs no spoken-form normalisation: tokenising such values was a
    /// fifth of an insert.
    /// Gives exactly what the general path gives for them (a test checks both over the labelled
    /// sets); nil for anything else.
    static func writtenForm(_ value: String, kind: EntityKind) -> String? {
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        switch kind {
        case .phone, .fax:
            guard !value.utf8.contains(where: { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }) else { return nil }
            var digits = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }))
            if digits.count == 11, digits.hasPrefix("1") { digits.removeFirst() }
            if digits.count == 10 { return "+1" + digits }
            return digits.isEmpty ? nil : "+" + digits
        default:
            // Written emails and URLs can hold words the spoken-form rules rewrite ("one", "dot"),
            // so they keep the general path.
            return nil
        }
    }

    static func spokenOrMixed(_ value: String, kind: EntityKind) -> String {
        // Read as detection reads it: a full-width or zero-width-split number is the same value.
        let scanned = ScannedText(DetectionText(value).text)
        let tokens = scanned.tokens
        // Whole token text: a token longer than `TokenText.capacity` keeps only a prefix, and two
        // values must never share a normalised form (they would share a token).
        func text(_ token: Token) -> String { scanned.fullText(of: token) }
        switch kind {
        case .phone, .fax:
            var digits = tokens.filter(\.isNumber).map(text).joined()
            if digits.count == 11, digits.hasPrefix("1") { digits.removeFirst() }
            if digits.count == 10 { return "+1" + digits }
            return digits.isEmpty ? folded(tokens, text) : "+" + digits
        case .ssn, .account, .mrn, .healthPlan, .license, .vehicle, .device, .otherID, .age:
            // Identifiers: letters and digits only, upper case ("1EG4-TE5-MK73" = "1eg4te5mk73").
            let alphanumerics = tokens.filter(\.isAlphanumeric).map(text).joined().uppercased()
            return alphanumerics.isEmpty ? folded(tokens, text) : alphanumerics
        case .email, .url, .ipAddress:
            return tokens.map(text).joined()
        case .dob, .date:
            return isoDate(tokens) ?? folded(tokens, text)
        case .name, .address:
            return folded(tokens, text)
        }
    }

    /// Lower case, punctuation dropped, single spaces: "Sarah  CHEN" = "sarah chen".
    static func folded(_ tokens: [Token], _ text: (Token) -> String) -> String {
        tokens.filter(\.isAlphanumeric).map(text).joined(separator: " ")
    }

    /// `YYYY-MM-DD` for the common shapes (numeric m/d/y, ISO, month-name day year, day month-name
    /// year); nil when the date has no year or another shape.
    static func isoDate(_ tokens: [Token]) -> String? {
        let words = tokens.filter(\.isAlphanumeric)
        var month: Int?, day: Int?, year: Int?
        var numbers: [Token] = []
        for token in words {
            if token.kind == .word, let value = NumberWords.months[token.text] { month = value } else if token.kind == .number {
                numbers.append(token)
            }
        }
        if month != nil {
            for token in numbers {
                guard let value = token.text.integerValue else { continue }
                if token.length == 4 { year = value } else if day == nil, (1...31).contains(value) { day = value } else if token.length == 2 { year = 1900 + value }
            }
        } else if numbers.count == 3, let a = numbers[0].text.integerValue, let b = numbers[1].text.integerValue,
                  let c = numbers[2].text.integerValue {
            if numbers[0].length == 4 { (year, month, day) = (a, b, c) } else { (month, day, year) = (a, b, numbers[2].length == 2 ? (c > 30 ? 1900 + c : 2000 + c) : c) }
        }
        guard let year, let month, let day, (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Not String(format:): Foundation's formatter took about 1 % of the proxy's CPU, for
        // every date of every turn.
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }
}
