/// One token of a turn, after spoken-form normalisation. `start`/`end` are Unicode-scalar offsets
/// into the *original* text, so a token that came from several spoken words ("four one five")
/// covers all of them and every recognizer reports spans on the original text without a map.
///
/// A plain value (no `String`, no references): see `TokenText` for why.
public struct Token: Sendable, Equatable {
    public enum Kind: UInt8, Sendable, Equatable {
        /// Letters, possibly with digits or apostrophes: `sarah`, `db8`, `o'brien`.
        case word
        /// Digits only. Spoken numbers become this kind too.
        case number
        /// One punctuation or symbol character: `(`, `-`, `@`, `.`.
        case punct
    }

    public var kind: Kind
    /// Canonical text, lowercased: the digits of a spoken number, `@` for a spoken "at", the
    /// original word otherwise. Span text always comes from the original, never from here.
    public var text: TokenText
    public var start: Int
    public var end: Int
    /// Whether whitespace separates this token from the previous one in canonical form. Spoken
    /// email and URL parts ("sarah dot chen") are joined, as their written forms would be.
    public var spaceBefore: Bool
    /// Whether that whitespace holds a line break. A line is a field of a form or a line of an
    /// address: digit groups, spoken numbers and spelled letters never run on across one ("three
    /// five one seven two" over "seven three four …" is a ZIP code and a phone, not one number).
    public var lineBreakBefore = false
    /// Produced from words by the normaliser (confidence may differ from a written form).
    public var spoken: Bool = false
    /// An ordinal ("twelfth", "12th"), for dates.
    public var ordinal: Bool = false
    /// Spoken one digit at a time ("seven three four"), as identifiers are read out, rather than as
    /// a quantity ("two thousand", "nineteen ninety").
    public var digitByDigit: Bool = false
    /// What the word means to the spoken-form normaliser, looked up once by the tokenizer.
    public var roles: SpokenRole = []
    /// How the original was capitalised (`text` is lowercase).
    var caseShape = CaseShape()
    /// The `IntroducingPhrases` lists this word begins, found by the tokenizer's one probe of
    /// `WordFacts.table`. Words the normaliser makes (spelled ones) are looked up by `ScannedText`.
    var phraseLists: UInt8 = 0
    /// ASCII digits in `text`, counted once when the token is made.
    public private(set) var digitCount: Int

    public init(kind: Kind, text: TokenText, start: Int, end: Int, spaceBefore: Bool, lineBreakBefore: Bool = false,
                spoken: Bool = false, ordinal: Bool = false) {
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.spaceBefore = spaceBefore
        self.lineBreakBefore = lineBreakBefore
        self.spoken = spoken
        self.ordinal = ordinal
        digitCount = kind == .punct ? 0 : (kind == .number ? min(text.count, TokenText.capacity) : text.digitCount)
        if kind == .word {
            roles = NumberWords.lexicon[text] ?? []
            if digitCount > 0, let first = text.first, first >= 48, first <= 57, SpokenFormNormalizer.writtenOrdinal(text) != nil {
                roles.insert(.writtenOrdinal)
            }
        }
    }

    /// The tokenizer's fast path, which has counted the digits, seen the capitals and looked the
    /// word up in `WordFacts.table` already.
    init(kind: Kind, text: TokenText, start: Int, end: Int, spaceBefore: Bool, lineBreakBefore: Bool = false, digitCount: Int,
         caseShape: CaseShape, facts: WordFacts = WordFacts()) {
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.spaceBefore = spaceBefore
        self.lineBreakBefore = lineBreakBefore
        self.digitCount = digitCount
        self.caseShape = caseShape
        roles = facts.roles
        phraseLists = facts.phraseLists
    }

    /// For tests and slow paths: the text is lowercased, and its capitals remembered.
    public init(kind: Kind, text: String, start: Int, end: Int, spaceBefore: Bool, spoken: Bool = false, ordinal: Bool = false) {
        self.init(kind: kind, text: TokenText(text), start: start, end: end, spaceBefore: spaceBefore, spoken: spoken, ordinal: ordinal)
        caseShape = CaseShape(original: text)
    }

    /// Length in UTF-8 bytes. Digits and ASCII identifiers (everything the recognizers measure)
    /// have one byte per character.
    public var length: Int { text.count }

    public var isNumber: Bool { kind == .number }
    public var isAlphanumeric: Bool { kind != .punct }
    /// The original word was written in capitals only ("IN", "WA").
    public var isAllCapitals: Bool { caseShape.allCapitals }
    /// The original word began with a capital ("May").
    public var isCapitalized: Bool { caseShape.firstIsCapital }

    @inline(__always) public func isPunct(_ symbol: StaticString) -> Bool { kind == .punct && text == symbol }
    /// The same symbol as another token's ("4/12/1990": both separators are '/').
    @inline(__always) public func isPunct(_ symbol: TokenText) -> Bool { kind == .punct && text == symbol }

    public var letterCount: Int {
        guard kind == .word else { return 0 }
        return text.withBytes { bytes in bytes.reduce(0) { $0 + ((($1 >= 97 && $1 <= 122) || $1 >= 0xC0) ? 1 : 0) } }
    }
}
