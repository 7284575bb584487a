/// SSN, MRN, ACCOUNT, HEALTH_PLAN, LICENSE, VEHICLE, DEVICE, OTHER_ID: the same shape (digits stay
/// digits, letters stay letters in the same case, separators and spoken forms stay), with a valid
/// check digit wherever the original passes one of detection's checks (`Checksums`): card and
/// account numbers (Luhn), NPIs, DEA numbers, VINs. Medicare MBIs keep the MBI's character
/// classes. An SSN becomes one that can never be issued (area 666).
enum IdentifierSurrogate {
    static func make(_ original: String, kind: EntityKind, _ context: inout SurrogateContext) -> String {
        let template = SlotTemplate(original, lettersAreSlots: kind != .ssn)
        let value = Array(template.originalValue)
        guard !value.isEmpty else { return original }
        let text = String(value)
        var surrogate: [Character]
        switch kind {
        case .ssn where value.count == 9 && value.allSatisfy(\.isNumber):
            surrogate = Array("666" + PhoneSurrogate.format2(context.random.integer(in: 1...99))
                              + String(context.random.integer(in: 1000...9999)))
        case .healthPlan where Checksums.mbi(text):
            surrogate = mbi(&context.random)
        case .vehicle where Checksums.vin(text):
            surrogate = shaped(value, &context.random, avoiding: ["i", "o", "q"])
            settle(&surrogate, at: 8, from: "0123456789X") { Checksums.vin(String($0)) }
        case .license where Checksums.dea(text):
            surrogate = Array(value.prefix(2)) + (0..<7).map { _ in context.random.digit() }
            settle(&surrogate, at: 8, from: "0123456789") { Checksums.dea(String($0)) }
        case _ where value.count >= 10 && value.allSatisfy(\.isNumber) && Checksums.npi(TokenText(text)):
            // An NPI keeps its first digit (1 or 2, as issued) and gets a valid check digit.
            surrogate = [value[0]] + shaped(Array(value.dropFirst()), &context.random, avoiding: [])
            settle(&surrogate, at: 9, from: "0123456789") { Checksums.npi(TokenText(String($0))) }
        case _ where value.count >= 10 && value.allSatisfy(\.isNumber) && Checksums.luhn(TokenText(text)):
            surrogate = shaped(value, &context.random, avoiding: [])
            settle(&surrogate, at: value.count - 1, from: "0123456789") { Checksums.luhn(TokenText(String($0))) }
        default:
            surrogate = shaped(value, &context.random, avoiding: [])
        }
        return template.render(surrogate)
    }

    /// Puts at `position` the first of `candidates` that makes `valid` pass: every check digit
    /// here has exactly one, so detection's own validator decides, and no second copy of its
    /// arithmetic is needed to compute it.
    static func settle(_ value: inout [Character], at position: Int, from candidates: String, valid: ([Character]) -> Bool) {
        for candidate in candidates {
            value[position] = candidate
            if valid(value) { return }
        }
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

    /// Medicare Beneficiary Identifier classes: C A AN N A AN N A A N N, letters without S L O I B Z.
    static let mbiLetters = Array("acdefghjkmnpqrtuvwxy")
    static let mbiClasses = "CAXNAXNAANN"

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
