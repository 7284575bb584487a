/// PHONE and FAX: the same number of digits in the same form (written or spoken, separators,
/// parentheses, `+1`). A North American number keeps its country code, gets an area code of the
/// state the locale mechanism allows (the original's, under `preserve_locale`), and the exchange
/// and line of the fictional range 555-0100…555-0199, which is never assigned to anyone.
enum PhoneSurrogate {
    static func make(_ original: String, _ context: inout SurrogateContext, _ memory: inout SessionMemory) -> String {
        var template = SlotTemplate(original, lettersAreSlots: false)
        var digits = template.originalValue
        // The session normalised the original once already ("+14155552671").
        var canonical = String(context.normalized.filter(\.isNumber))
        // The normaliser writes North American numbers with their country code.
        if canonical.count == 11, canonical.hasPrefix("1"), digits.count == 10 { canonical.removeFirst() }
        if canonical.count > digits.count {
            // Said with number words ("four fifteen"): the surrogate is said one digit at a time.
            template = SlotTemplate(canonical.map { SlotTemplate.digitWords[Int(String($0))!] }.joined(separator: " "), lettersAreSlots: false)
            digits = canonical
        }
        let value: [Character]
        if digits.count == 10 || (digits.count == 11 && digits.hasPrefix("1")) {
            let prefix = digits.count == 11 ? "1" : ""
            let area = String(digits.dropFirst(prefix.count).prefix(3))
            let tables = context.tables
            let state = context.category("state", original: tables.stateOfAreaCode[area], categories: tables.states,
                                         memory: &memory) { random in tables.zips[random.below(tables.zips.count)].state }
            let newArea = context.random.pick(tables.areaCodesByState[state] ?? [area])
            value = Array(prefix + newArea + "55501" + format2(context.random.below(100)))
        } else if digits.count == 7 {
            value = Array("55501" + format2(context.random.below(100)))
        } else {
            // International or unusual: the country code (up to three leading digits) stays.
            let kept = digits.prefix(max(0, min(3, digits.count - 4)))
            value = Array(kept) + (kept.count..<digits.count).map { _ in context.random.digit() }
        }
        return template.render(value)
    }

    static func format2(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
