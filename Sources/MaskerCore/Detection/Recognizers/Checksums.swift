/// Check-digit and validity rules for identifiers with published algorithms. A failing check
/// means "not this kind of identifier": recognizers drop the candidate, except where context before
/// it names the kind ("VIN", "SSN"), where they keep it at a lower confidence.
enum Checksums {
    /// Luhn (ISO/IEC 7812): payment cards, IMEI, NPI.
    static func luhn(_ digits: TokenText) -> Bool {
        guard digits.count >= 2, !digits.isTruncated, digits.isDigits() else { return false }
        let values = digits.withBytes { $0.map { Int($0) - 48 } }
        var sum = 0
        for (offset, value) in values.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = value * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += value
            }
        }
        return sum % 10 == 0
    }

    /// IBAN (ISO 13616): the first four characters moved to the end, each letter read as two
    /// digits (A = 10 … Z = 35), and the number taken mod 97 must be 1. Computed a digit at a time.
    static func iban(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (15...34).contains(scalars.count) else { return false }
        var remainder = 0
        for scalar in scalars[4...] + scalars[..<4] {
            switch scalar {
            case "0"..."9": remainder = (remainder * 10 + Int(scalar.value - 48)) % 97
            case "A"..."Z": remainder = (remainder * 100 + Int(scalar.value - 55)) % 97
            default: return false
            }
        }
        return remainder == 1
    }

    /// NPI: Luhn over "80840" + the 10 digits (CMS, NPI check digit standard).
    static func npi(_ digits: TokenText) -> Bool {
        guard digits.count == 10, digits.first == UInt8(ascii: "1") || digits.first == UInt8(ascii: "2") else { return false }
        var prefixed = TokenText("80840")
        prefixed.append(digits)
        return luhn(prefixed)
    }

    /// DEA registration number: two letters and seven digits; (d1+d3+d5) + 2·(d2+d4+d6) ends in d7.
    static func dea(_ text: String) -> Bool {
        guard let digits = deaDigits(text) else { return false }
        let check = (digits[0] + digits[2] + digits[4]) + 2 * (digits[1] + digits[3] + digits[5])
        return check % 10 == digits[6]
    }

    /// A DEA number's shape, before its arithmetic: a letter, a letter or 9, seven digits.
    static func deaShape(_ text: String) -> Bool { deaDigits(text) != nil }

    /// The seven digits of a DEA-shaped text, or nil.
    private static func deaDigits(_ text: String) -> [Int]? {
        let characters = Array(text.uppercased())
        guard characters.count == 9, characters[0].isLetter, characters[0].isASCII,
              characters[1].isASCII, characters[1].isLetter || characters[1] == "9" else { return nil }
        let digits = characters[2...].compactMap(\.wholeNumberValue)
        return digits.count == 7 ? digits : nil
    }

    /// VIN (ISO 3779, North American check digit in position 9).
    static func vin(_ text: String) -> Bool {
        let characters = Array(text.uppercased())
        guard characters.count == 17 else { return false }
        let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = vinValue(character) else { return false }
            sum += value * weights[index]
        }
        let remainder = sum % 11
        let expected: Character = remainder == 10 ? "X" : Character(String(remainder))
        return characters[8] == expected
    }

    /// Built once: the dictionary literal inside `vinValue` was rebuilt for every character.
    private static let vinLetterValues: [Character: Int] = [
        "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "J": 1, "K": 2, "L": 3, "M": 4,
        "N": 5, "P": 7, "R": 9, "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
    ]

    private static func vinValue(_ character: Character) -> Int? {
        if let digit = character.wholeNumberValue, character.isASCII { return digit }
        return vinLetterValues[character] // I, O and Q are never used in VINs
    }

    /// SSA rules: area 001–899 except 666, group 01–99, serial 0001–9999; and the numbers the SSA
    /// voided after they were published in advertising.
    static func ssn(_ digits: TokenText) -> Bool {
        guard digits.count == 9, let area = digits.integerValue(from: 0, length: 3), let group = digits.integerValue(from: 3, length: 2),
              let serial = digits.integerValue(from: 5, length: 4) else { return false }
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return false }
        return !(digits == "078051120" || digits == "219099999" || digits == "123456789")
    }

    /// Medicare Beneficiary Identifier (CMS format): C A AN N A AN N A A N N, letters excluding
    /// S, L, O, I, B, Z.
    static func mbi(_ text: String) -> Bool {
        let characters = Array(text.uppercased())
        guard characters.count == 11 else { return false }
        let excluded: Set<Character> = ["S", "L", "O", "I", "B", "Z"]
        func alpha(_ c: Character) -> Bool { c.isASCII && c.isLetter && !excluded.contains(c) }
        func numeric(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        let pattern: [(Character) -> Bool] = [
            { numeric($0) && $0 != "0" }, alpha, { alpha($0) || numeric($0) }, numeric, alpha,
            { alpha($0) || numeric($0) }, numeric, alpha, alpha, numeric, numeric,
        ]
        return zip(characters, pattern).allSatisfy { $1($0) }
    }

    /// NANP: area code and exchange start with 2–9.
    static func nanp(_ tenDigits: TokenText) -> Bool {
        guard tenDigits.count == 10, tenDigits.isDigits() else { return false }
        return tenDigits.byte(at: 0) >= UInt8(ascii: "2") && tenDigits.byte(at: 3) >= UInt8(ascii: "2")
    }
}
