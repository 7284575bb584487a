/// NAME: first names from the Census first-name table of the original's likely sex, surnames from
/// the Census surname table, each by frequency. Titles ("Dr.", "Mrs.", "doctor") and initials'
/// shape stay; capitalisation follows the original; a spelled name ("h a d d a d") is spelled.
/// Each part is remembered on its own, so "Sarah Chen" → "Maria Lopez" makes a later "Sarah"
/// → "Maria" and "Ms. Chen" → "Ms. Lopez".
enum NameSurrogate {
    static let titles: Set<String> = ["dr", "dr.", "doctor", "mr", "mr.", "mister", "mrs", "mrs.", "missus", "ms", "ms.", "miss",
                                      "prof", "prof.", "professor", "nurse", "sr", "sr.", "jr", "jr.", "ii", "iii", "md", "m.d.", "rn"]

    static func make(_ original: String, _ context: inout SurrogateContext, _ memory: inout SessionMemory) -> String {
        let words = SlotTemplate.split(original)
        let letters = words.filter { !$0.allSatisfy(\.isWhitespace) }
        // "h a d d a d": spelled letter by letter.
        if letters.count >= 2, letters.allSatisfy({ $0.count == 1 && $0.first!.isLetter }) {
            let spelled = letters.joined().lowercased()
            let surrogate = memory.surnames[spelled] ?? memory.firstNames[spelled] ?? surname(spelled, &context, &memory)
            let style = CaseStyle(letters[0])
            return surrogate.lowercased().map { style == .lower ? String($0) : String($0).uppercased() }.joined(separator: " ")
        }
        let nameWords = letters.filter { !titles.contains($0.lowercased()) && !isInitial($0) }
        var output = ""
        var nameIndex = 0
        for word in words {
            if word.allSatisfy(\.isWhitespace) || titles.contains(word.lowercased()) {
                output += word
                continue
            }
            if isInitial(word) {
                // "J." → another initial, same punctuation.
                let letter = Character(Unicode.Scalar(UInt8(65 + context.random.below(26))))
                output += (word.first!.isUppercase ? String(letter) : letter.lowercased()) + word.dropFirst()
                continue
            }
            let isLast = nameIndex == nameWords.count - 1
            let isFirst = nameIndex == 0
            nameIndex += 1
            output += replaceWord(word, asFirst: isFirst && nameWords.count > 1, asLast: isLast && nameWords.count > 1, &context, &memory)
        }
        return output
    }

    static func isInitial(_ word: String) -> Bool {
        (word.count == 2 && word.first!.isLetter && word.last == ".") || (word.count == 1 && word.first!.isUppercase)
    }

    /// One name word, its hyphenated parts and possessive kept ("Smith-Jones", "O'Brien").
    static func replaceWord(_ word: String, asFirst: Bool, asLast: Bool, _ context: inout SurrogateContext,
                            _ memory: inout SessionMemory) -> String {
        let parts = word.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        return parts.map { part -> String in
            let core = part.filter { $0.isLetter || $0 == "'" }
            guard !core.isEmpty else { return part }
            let key = core.lowercased()
            let replacement: String
            if let known = memory.firstNames[key], !asLast {
                replacement = known
            } else if let known = memory.surnames[key], !asFirst {
                replacement = known
            } else if asFirst || (!asLast && isLikelyFirstName(key, context.tables)) {
                replacement = firstName(key, &context, &memory)
            } else {
                replacement = surname(key, &context, &memory)
            }
            let styled = CaseStyle(core).apply(replacement)
            // Keep whatever surrounds the letters ("(Chen)", a trailing comma).
            guard let start = part.firstIndex(where: { $0.isLetter }), let end = part.lastIndex(where: { $0.isLetter }) else { return styled }
            return String(part[..<start]) + styled + String(part[part.index(after: end)...])
        }.joined(separator: "-")
    }

    static func isLikelyFirstName(_ key: String, _ tables: SurrogateTables) -> Bool {
        guard let weights = tables.firstNameWeights[key] else { return false }
        return max(weights.female, weights.male) > (tables.surnameWeights[key] ?? 0)
    }

    static func firstName(_ key: String, _ context: inout SurrogateContext, _ memory: inout SessionMemory) -> String {
        if let known = memory.firstNames[key] { return known }
        let tables = context.tables
        // The likely sex is kept always (the contract, and a weak quasi-identifier); the
        // name itself comes from the public table, never from the original.
        let sex = tables.likelySex(ofFirstName: key) ?? (context.random.chance(0.5) ? .female : .male)
        let list = tables.firstNames(sex)
        // Two people may share a first name, as in life: only the original itself is refused, so
        // the surrogates follow the table's frequencies.
        let surrogate = context.random.word(unlike: key) { list.sample(&$0) }
        memory.firstNames[key] = surrogate
        memory.newNameParts.append((true, key))
        return surrogate
    }

    static func surname(_ key: String, _ context: inout SurrogateContext, _ memory: inout SessionMemory) -> String {
        if let known = memory.surnames[key] { return known }
        let surnames = context.tables.surnames
        let surrogate = context.random.word(unlike: key) { surnames.sample(&$0) }
        memory.surnames[key] = surrogate
        memory.newNameParts.append((false, key))
        return surrogate
    }
}
