/// English number words as speech recognisers write them.
enum NumberWords {
    static let units: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    ]
    static let teens: [String: Int] = [
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    static let tens: [String: Int] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    ]
    /// With their possessive forms too: recognisers write "july fourth's nineteen seventy two".
    static let ordinals = WordTable([
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
        "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
        "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    ].flatMap { [($0.key, $0.value), ($0.key + "'s", $0.value)] })
    /// Words that stand for zero only next to other digits ("nineteen oh five", "four o two").
    static let contextualZero: WordSet = ["oh", "o"]
    /// How speech recognisers write some digits ("to" for two, "for" for four, "won", "ate"):
    /// digits only inside a run of spoken digits (`SpokenFormNormalizer.homophoneDigit`).
    static let homophones = WordTable(["to": 2, "too": 2, "for": 4, "won": 1, "ate": 8])
    static let repeaters: [String: Int] = ["double": 2, "triple": 3]
    static let scales: [String: Int] = ["hundred": 100, "thousand": 1000]
    /// Hesitations dropped between digit groups: "four one five, uh, five five five".
    static let fillers: WordSet = ["uh", "um", "uhm", "umm", "er", "erm", "ah", "hmm", "mm"]

    static let months = WordTable([
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
        "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
        "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    ])

    /// Every word the normaliser reacts to, with its roles: the tokenizer looks each word up here
    /// once, and the normaliser's passes read the roles instead of probing their own tables for
    /// every token (and skip themselves when no token of the turn has their role).
    static let lexicon: WordTable<SpokenRole> = {
        var roles: [String: SpokenRole] = [:]
        for word in Array(units.keys) + teens.keys + tens.keys + scales.keys + repeaters.keys { roles[word, default: []].insert(.numberWord) }
        for word in contextualZero.words { roles[word, default: []].insert(.zeroWord) }
        for word in homophones.words { roles[word, default: []].insert(.homophone) }
        for word in ordinals.words { roles[word, default: []].insert(.ordinal) }
        for word in months.words { roles[word, default: []].insert(.month) }
        for word in fillers.words { roles[word, default: []].insert(.filler) }
        roles["dot", default: []].insert(.dot)
        return WordTable(roles)
    }()

    /// What a number word means, looked up once per word.
    enum Meaning: Equatable, Sendable {
        case unit(Int), teen(Int), tens(Int), scale(Int), repeater(Int)
    }

    /// Every number word in one table: one lookup per word instead of one per category.
    static let meanings: WordTable<Meaning> = {
        var table: [String: Meaning] = [:]
        for (word, value) in units { table[word] = .unit(value) }
        for (word, value) in teens { table[word] = .teen(value) }
        for (word, value) in tens { table[word] = .tens(value) }
        for (word, value) in scales { table[word] = .scale(value) }
        for (word, value) in repeaters { table[word] = .repeater(value) }
        return WordTable(table)
    }()

    @inline(__always) static func meaning(_ token: Token) -> Meaning? {
        token.roles.contains(.numberWord) ? meanings[token.text] : nil
    }

    /// A single spoken digit (for letter-and-digit spelling runs).
    static func singleDigit(_ token: Token) -> Int? {
        if case let .unit(digit)? = meaning(token) { return digit }
        return nil
    }

    static func isNumberWord(_ token: Token) -> Bool { meaning(token) != nil }
}

/// The parts a word can play in spoken forms (see `NumberWords.lexicon`).
public struct SpokenRole: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// "five", "twenty", "hundred", "double".
    public static let numberWord = SpokenRole(rawValue: 1)
    /// "oh", "o": zero beside other digits.
    public static let zeroWord = SpokenRole(rawValue: 2)
    /// "first" … "thirtieth".
    public static let ordinal = SpokenRole(rawValue: 4)
    /// "12th", "1st": set by the tokenizer from the word's shape.
    public static let writtenOrdinal = SpokenRole(rawValue: 8)
    public static let month = SpokenRole(rawValue: 16)
    /// "uh", "um" between digit groups.
    public static let filler = SpokenRole(rawValue: 32)
    /// "dot" in spoken emails, URLs and IP addresses.
    public static let dot = SpokenRole(rawValue: 64)
    /// "to", "for", "won", "ate": a digit inside a run of spoken digits.
    public static let homophone = SpokenRole(rawValue: 128)
}
