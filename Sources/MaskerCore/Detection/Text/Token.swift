/// One token of a turn, after spoken-form normalisation. `start`/`end` are Unicode-scalar offsets
/// into the *original* text, so a token that came from several spoken words ("four one five")
/// covers all of them and every recognizer reports spans on the original text without a map.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Letters, possibly with digits or apostrophes: `sarah`, `db8`, `o'brien`.
        case word
        /// Digits only. Spoken numbers become this kind too.
        case number
        /// One punctuation or symbol character: `(`, `-`, `@`, `.`.
        case punct
    }

    public var kind: Kind
    /// Canonical text: the digits of a spoken number, `@` for a spoken "at", the original otherwise.
    public var text: String
    /// `text` lowercased, for matching keywords.
    public var lower: String {
        didSet { hash = WordFilter.hash(lower) }
    }
    /// FNV-1a of `lower`, computed once, for `WordFilter` checks.
    var hash: UInt64
    public var start: Int
    public var end: Int
    /// Whether whitespace separates this token from the previous one in canonical form. Spoken
    /// email and URL parts ("sarah dot chen") are joined, as their written forms would be.
    public var spaceBefore: Bool
    /// Produced from words by the normaliser (confidence may differ from a written form).
    public var spoken: Bool = false
    /// An ordinal ("twelfth", "12th"), for dates.
    public var ordinal: Bool = false
    /// Spoken one digit at a time ("seven three four"), as identifiers are read out, rather than as
    /// a quantity ("two thousand", "nineteen ninety").
    public var digitByDigit: Bool = false

    public init(kind: Kind, text: String, start: Int, end: Int, spaceBefore: Bool, spoken: Bool = false, ordinal: Bool = false) {
        self.kind = kind
        self.text = text
        let lower = Token.lowercase(text)
        self.lower = lower
        self.hash = WordFilter.hash(lower)
        self.start = start
        self.end = end
        self.spaceBefore = spaceBefore
        self.spoken = spoken
        self.ordinal = ordinal
    }

    /// Length in UTF-8 bytes: O(1), unlike `String.count`, which segments graphemes. Digits and
    /// ASCII identifiers (everything the recognizers measure) have one byte per character.
    public var length: Int { text.utf8.count }

    /// Lowercasing allocates and consults Unicode tables; most tokens of a transcript are already
    /// lowercase ASCII, so those skip it.
    static func lowercase(_ text: String) -> String {
        var needsWork = false
        for byte in text.utf8 where byte >= 0x80 || (byte >= 65 && byte <= 90) {
            needsWork = true
            break
        }
        return needsWork ? text.lowercased() : text
    }

    public var isNumber: Bool { kind == .number }
    public var isAlphanumeric: Bool { kind != .punct }

    public func isPunct(_ character: String) -> Bool { kind == .punct && text == character }

    /// Digits in `text` (a number token's whole text; a mixed word's digits).
    public var digitCount: Int { text.utf8.reduce(0) { $0 + (($1 >= 48 && $1 <= 57) ? 1 : 0) } }
    public var letterCount: Int { text.unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) } }
}
