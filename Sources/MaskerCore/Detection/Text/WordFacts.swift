/// What one probe tells the tokenizer about a word: its spoken-form roles (`NumberWords.lexicon`)
/// and the introducing-phrase lists it begins (`IntroducingPhrases`).
///
/// Why one table: the tokenizer probed the number-word lexicon for every word, and `ScannedText`
/// then probed the phrase table for every word again.
struct WordFacts: Sendable {
    var roles: SpokenRole = []
    var phraseLists: UInt8 = 0

    static let table: WordTable<WordFacts> = {
        var facts: [String: WordFacts] = [:]
        for word in NumberWords.lexicon.words {
            facts[word, default: WordFacts()].roles = NumberWords.lexicon[TokenText(word)] ?? []
        }
        for word in IntroducingPhrases.firstWords.words {
            facts[word, default: WordFacts()].phraseLists = IntroducingPhrases.firstWords[TokenText(word)] ?? 0
        }
        return WordTable(facts)
    }()

    /// No facts at all, for cutting the phrases `table` is itself built from (`ContextPhrases`):
    /// consulting `table` then would make its initialisation wait on itself.
    static let none = WordTable<WordFacts>([String: WordFacts]())
}
