/// ACCOUNT: International Bank Account Numbers (ISO 13616), written whole (`DE89370400440532013000`)
/// or in the groups of four banks print (`DE89 3704 0044 0532 0130 00`): two letters of a country
/// that issues IBANs, two check digits, then the country's fixed number of letters and digits.
/// With the mod-97 check holding: 0.9 anywhere. After "IBAN" with the check failing (one character
/// misheard or mistyped): 0.75, as every validating recognizer keeps what its context names
/// (docs/detection.md). Presidio's `IbanRecognizer` is the reference for the shapes and lengths.
struct IBANRecognizer: Recognizer {
    let name = "iban"
    var kinds: Set<EntityKind> { [.account] }
    var minimumDigits: Int { 6 }

    static let context = ContextPhrases(["iban", "iban number", "international bank account number", "iban no"])

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates: [Candidate] = []
        for index in text.digitTokens.lazy.map(Int.init) {
            let first = tokens[index]
            // Starts like "DE89": two letters, two digits; a cheap look before any String is made.
            guard first.kind == .word, first.length >= 4, first.digitCount >= 2, Self.startsLikeIBAN(first.text) else { continue }
            let groups = Self.groups(from: index, in: tokens)
            let joined = groups.map { text.text(tokens[$0].start, tokens[$0].end).uppercased() }
            guard let length = Self.lengths[String(joined[0].prefix(2))] else { continue }
            // The groups that make up exactly the country's length, if they do.
            var characters = 0
            var last: Int?
            for (offset, group) in joined.enumerated() {
                characters += group.count
                if characters == length { last = offset; break }
                if characters > length { break }
            }
            guard let last else { continue }
            let iban = joined[0...last].joined()
            let confidence = Checksums.iban(iban) ? 0.9 : (Self.context.precedes(tokens, index, window: 4) ? 0.75 : 0)
            if confidence > 0 {
                candidates.append(Candidate(kind: .account, start: first.start, end: tokens[groups[last]].end, confidence: confidence))
            }
        }
        return candidates
    }

    /// The token at `index` and the letter-and-digit tokens after it that follow a single space,
    /// as printed IBANs are grouped; at most 34 characters' worth.
    static func groups(from index: Int, in tokens: [Token]) -> [Int] {
        var groups = [index]
        var characters = tokens[index].length
        var at = index + 1
        while at < tokens.count, characters < 34, tokens[at].kind != .punct, tokens[at].spaceBefore, !tokens[at].lineBreakBefore,
              tokens[at].length <= 4, !tokens[at].spoken {
            groups.append(at)
            characters += tokens[at].length
            at += 1
        }
        return groups
    }

    static func startsLikeIBAN(_ text: TokenText) -> Bool {
        text.withBytes { bytes in
            bytes.count >= 4 && OpaqueID.isLetter(bytes[0]) && OpaqueID.isLetter(bytes[1]) && OpaqueID.isDigit(bytes[2])
                && OpaqueID.isDigit(bytes[3])
        }
    }

    /// IBAN length by country (SWIFT's IBAN registry, as Presidio's `iban_patterns.py` lists it).
    static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28, "CH": 21,
        "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
        "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
        "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
        "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
        "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
        "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]
}
