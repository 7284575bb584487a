/// SSN, MRN, ACCOUNT, HEALTH_PLAN, LICENSE, VEHICLE, DEVICE, OTHER_ID: the same shape (digits stay
/// digits, letters stay letters in the same case, separators and spoken forms stay), with a valid
/// check digit wherever the original's format has one and the original passes it:
/// card and account numbers (Luhn), NPI (Luhn over 80840 + the number), DEA numbers, VINs (the
/// ninth character). Medicare MBIs keep the MBI's character classes. An SSN becomes one that can
/// never be issued (area 666).
enum IdentifierSurrogate {
    static func make(_ original: String, kind: EntityKind, _ context: inout SurrogateContext) -> String {
        let template = SlotTemplate(original, lettersAreSlots: kind != .ssn)
        let value = Array(template.originalValue)
        guard !value.isEmpty else { return original }
        var surrogate: [Character]
        switch kind {
        case .ssn where value.count == 9 && value.allSatisfy(\.isNumber):
            surrogate = Array("666" + PhoneSurrogate.format2(context.random.integer(in: 1...99))
                              + String(context.random.integer(in: 1000...9999)))
        case .healthPlan where isMBI(value):
            surrogate = mbi(&context.random)
        case .vehicle where value.count == 17 && vinCheckDigit(value) == value[8]:
            surrogate = shaped(value, &context.random, avoiding: ["i", "o", "q"])
            surrogate[8] = vinCheckDigit(surrogate)
        case .license where value.count == 9 && isDEA(value):
            surrogate = Array(value.prefix(2)) + (0..<7).map { _ in context.random.digit() }
            surrogate[8] = deaCheckDigit(surrogate)
        default:
            surrogate = shaped(value, &context.random, avoiding: [])
            if value.allSatisfy(\.isNumber), value.count >= 10 {
                // A number that passes Luhn (a card, an account, an NPI) gets a surrogate that does too.
                if value.count == 10, luhnValid(Array("80840") + value) {
                    surrogate[9] = luhnCheckDigit(Array("80840") + surrogate.prefix(9))
                } else if luhnValid(value) {
                    surrogate[surrogate.count - 1] = luhnCheckDigit(Array(surrogate.dropLast()))
                }
            }
        }
        return template.render(surrogate)
    }

    /// Random characters of the original's classes; a leading digit that was not zero stays non-zero.
    static func shaped(_ value: [Character], _ random: inout SurrogateRandom, avoiding: Set<Character>) -> [Character] {
        value.enumerated().map { index, character in
            if character.isNumber {
                return index == 0 && character != "0" ? Character(String(random.integer(in: 1...9))) : random.digit()
            }
            var letter: Character
            repeat { letter = Character(Unicode.Scalar(UInt8(97 + random.below(26)))) } while avoiding.contains(letter)
            return letter
        }
    }

    static func luhnCheckDigit(_ payload: [Character]) -> Character {
        var sum = 0
        for (offset, character) in payload.reversed().enumerated() {
            var digit = Int(String(character)) ?? 0
            if offset % 2 == 0 { digit *= 2; if digit > 9 { digit -= 9 } }
            sum += digit
        }
        return Character(String((10 - sum % 10) % 10))
    }

    static func luhnValid(_ digits: [Character]) -> Bool {
        digits.count > 1 && luhnCheckDigit(Array(digits.dropLast())) == digits.last
    }

    static func isDEA(_ value: [Character]) -> Bool {
        value.prefix(2).allSatisfy(\.isLetter) && value.dropFirst(2).allSatisfy(\.isNumber) && deaCheckDigit(value) == value[8]
    }

    static func deaCheckDigit(_ value: [Character]) -> Character {
        let digits = value.dropFirst(2).prefix(6).map { Int(String($0)) ?? 0 }
        let sum = digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])
        return Character(String(sum % 10))
    }

    static let vinValues: [Character: Int] = {
        var values: [Character: Int] = [:]
        for (index, character) in "0123456789".enumerated() { values[character] = index }
        let letters: [(String, Int)] = [("ajs", 1), ("bkt", 2), ("clu", 3), ("dmv", 4), ("enw", 5), ("fx", 6), ("gpy", 7), ("hz", 8), ("r", 9)]
        for (group, value) in letters { for character in group { values[character] = value } }
        return values
    }()

    static func vinCheckDigit(_ value: [Character]) -> Character {
        let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
        var sum = 0
        for (index, character) in value.prefix(17).enumerated() { sum += (vinValues[character] ?? 0) * weights[index] }
        let remainder = sum % 11
        return remainder == 10 ? "X" : Character(String(remainder))
    }

    /// Medicare Beneficiary Identifier classes: C A AN N A AN N A A N N, letters without S L O I B Z.
    static let mbiLetters = Array("acdefghjkmnpqrtuvwxy")
    static let mbiClasses = "CAXNAXNAANN"

    static func isMBI(_ value: [Character]) -> Bool {
        guard value.count == 11 else { return false }
        for (character, slot) in zip(value, mbiClasses) {
            let letter = mbiLetters.contains(character)
            switch slot {
            case "C": if !(character.isNumber && character != "0") { return false }
            case "N": if !character.isNumber { return false }
            case "A": if !letter { return false }
            default: if !(letter || character.isNumber) { return false }
            }
        }
        return true
    }

    static func mbi(_ random: inout SurrogateRandom) -> [Character] {
        mbiClasses.map { slot -> Character in
            switch slot {
            case "C": Character(String(random.integer(in: 1...9)))
            case "N": random.digit()
            case "A": random.pick(mbiLetters)
            default: random.chance(0.5) ? random.digit() : random.pick(mbiLetters)
            }
        }
    }
}
