/// Context words and phrases near a token ("date of birth", "my number is"), matched on
/// lowercased tokens. Phrases are lists of words so "d o b" (spelled, normalised to `dob`) and
/// "date of birth" are both one entry.
struct ContextPhrases: Sendable {
    /// Phrases by their first word, and by their last: most tokens match neither, and one table
    /// probe rules them out without comparing every phrase.
    private let byFirstWord: WordTable<[[TokenText]]>
    private let byLastWord: WordTable<[[TokenText]]>
    /// Each phrase's first word, once.
    let firstWords: [String]
    /// Set for the lists that introduce identifiers: `ScannedText` then already knows where their
    /// first words occur.
    private let introduces: IntroducingPhrases?

    init(_ phrases: [String], introducing: IntroducingPhrases? = nil) {
        // Cut as the turn is cut, so "s/n" is the words "s" and "n" (matching skips the '/'
        // between them) rather than one word no token could equal.
        let split = phrases.map { Tokenizer.cut($0).filter { $0.kind != .punct }.map(\.text.string) }.filter { !$0.isEmpty }
        firstWords = Set(split.map { $0[0] }).sorted()
        introduces = introducing
        byFirstWord = WordTable(Dictionary(grouping: split, by: { $0[0] }).mapValues { $0.map { $0.map { TokenText($0) } } })
        byLastWord = WordTable(Dictionary(grouping: split, by: { $0[$0.count - 1] }).mapValues { $0.map { $0.map { TokenText($0) } } })
    }

    /// Whether a phrase ends within `window` tokens before `index` (punctuation does not count).
    func precedes(_ tokens: [Token], _ index: Int, window: Int) -> Bool {
        var end = index - 1
        var seen = 0
        while end >= 0, seen < window {
            if tokens[end].kind != .punct {
                if let candidates = byLastWord[tokens[end].text], matches(tokens, candidates, endingAt: end) { return true }
                seen += 1
            }
            end -= 1
        }
        return false
    }

    /// The token indices where one of the phrases may start (its first word is there), ascending.
    func possibleStarts(in text: ScannedText) -> [Int] {
        if let introduces {
            return text.phraseStarts.compactMap { $0.lists & introduces.bit != 0 ? Int($0.index) : nil }
        }
        return text.tokens.indices.filter { text.tokens[$0].kind == .word && byFirstWord[text.tokens[$0].text] != nil }
    }

    /// The index just past the phrase starting at `index`, if one does.
    func match(_ tokens: [Token], at index: Int) -> Int? {
        guard let candidates = byFirstWord[tokens[index].text] else { return nil }
        // Longest phrase first, so "medical record number" wins over "medical record".
        var best: Int?
        for phrase in candidates {
            if let end = matchEnd(tokens, phrase, startingAt: index), end > (best ?? -1) { best = end }
        }
        return best
    }

    private func matches(_ tokens: [Token], _ candidates: [[TokenText]], endingAt end: Int) -> Bool {
        candidates.contains { phrase in
            var position = end
            for word in phrase.reversed() {
                while position >= 0, tokens[position].kind == .punct, tokens[position].text != "#" { position -= 1 }
                guard position >= 0, tokens[position].text == word else { return false }
                position -= 1
            }
            return true
        }
    }

    private func matchEnd(_ tokens: [Token], _ phrase: [TokenText], startingAt start: Int) -> Int? {
        var position = start
        for word in phrase {
            // Apostrophes and hyphens inside a phrase ("driver's", "e-mail") arrive as separate tokens.
            while position < tokens.count, tokens[position].kind == .punct, tokens[position].text != "#" { position += 1 }
            guard position < tokens.count, tokens[position].text == word else { return nil }
            position += 1
        }
        return position
    }
}

/// The phrase lists that introduce an identifier (`IdentifierAfterContext`: "mrn", "member id",
/// "serial number"), one bit each.
///
/// Why: seven recognizers start at such a phrase, and each probed its own phrase table at every
/// token, about 10 % of the regex pass. `ScannedText` now probes one table of all their first
/// words once per word (`phraseStarts`), and each recognizer reads the few places its bit is set.
enum IntroducingPhrases: Int, CaseIterable, Sendable {
    case account, device, healthPlan, license, mrn, otherID, plate, pager

    var bit: UInt8 { 1 << UInt8(rawValue) }

    var phrases: ContextPhrases {
        switch self {
        case .account: AccountRecognizer.identifier.context
        case .device: DeviceRecognizer.identifier.context
        case .healthPlan: HealthPlanRecognizer.identifier.context
        case .license: LicenseRecognizer.identifier.context
        case .mrn: MRNRecognizer.identifier.context
        case .otherID: OtherIdentifierRecognizer.identifier.context
        case .plate: VehicleRecognizer.plate.context
        case .pager: PagerRecognizer.identifier.context
        }
    }

    /// Every first word of every list, with the bits of the lists it begins.
    static let firstWords: WordTable<UInt8> = {
        var bits: [String: UInt8] = [:]
        for list in allCases {
            for word in list.phrases.firstWords { bits[word, default: 0] |= list.bit }
        }
        return WordTable(bits)
    }()
}

/// A word that begins a phrase of one or more `IntroducingPhrases` lists.
struct PhraseStart: Sendable, Equatable {
    var index: Int32
    var lists: UInt8
}
