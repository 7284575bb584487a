/// An identifier's characters as slots to refill, so a surrogate keeps the original's form:
/// written digits stay digits, digits said as words stay words ("four one five"), "double five"
/// stays two spoken digits, letters keep their case, spelled letters stay spelled, separators and
/// other words stay where they were.
struct SlotTemplate {
    enum Slot: Equatable { case digit, letter }

    enum Piece {
        case literal(String)
        case writtenDigit
        case writtenLetter(upper: Bool)
        /// Spoken digits: one word each, `oh` for a zero when the original said "oh".
        case spokenDigits(count: Int, capitalized: Bool, saysOh: Bool)
        case spokenLetter(upper: Bool)
    }

    private(set) var pieces: [Piece] = []
    /// The slots in order, and the original's value in them (digits and lowercase letters).
    private(set) var slots: [Slot] = []
    private(set) var original: [Character] = []

    static let digitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    /// - Parameter lettersAreSlots: whether letters are part of the value (an MRN, a plate) or
    ///   words around it ("ext", "x" in a phone number), which are kept.
    init(_ text: String, lettersAreSlots: Bool) {
        let words = Self.split(text)
        var index = 0
        while index < words.count {
            let word = words[index]
            // "five," is the word "five" and a comma.
            let first = word.firstIndex { !$0.isPunctuation } ?? word.endIndex
            let last = word.lastIndex { !$0.isPunctuation }.map(word.index(after:)) ?? first
            let core = first < last ? String(word[first..<last]) : ""
            let lower = core.lowercased()
            let leading = String(word[..<first])
            let trailing = first < last ? String(word[last...]) : ""
            if word.allSatisfy(\.isWhitespace) {
                pieces.append(.literal(word))
            } else if let digit = Self.digitWords.firstIndex(of: lower) {
                pieces.append(.literal(leading))
                addSpoken([digit], word: core, saysOh: false)
                pieces.append(.literal(trailing))
            } else if lower == "oh" {
                pieces.append(.literal(leading))
                addSpoken([0], word: core, saysOh: true)
                pieces.append(.literal(trailing))
            } else if lower == "double" || lower == "triple", index + 2 < words.count,
                      let digit = Self.digitWords.firstIndex(of: words[index + 2].lowercased()) ?? (words[index + 2].lowercased() == "oh" ? 0 : nil) {
                // "double five": the surrogate's two digits need not repeat, so both are said.
                addSpoken(Array(repeating: digit, count: lower == "double" ? 2 : 3), word: word, saysOh: words[index + 2].lowercased() == "oh")
                index += 3
                continue
            } else if word.count >= 2, word.allSatisfy({ $0.isLetter || $0 == "." || $0 == ":" || $0 == "#" }) {
                // A label ("MRN", "ID:", "ext.") names the identifier; it is not part of it.
                pieces.append(.literal(word))
            } else if lettersAreSlots, word.count == 1, let letter = word.first, letter.isLetter, letter.isASCII {
                pieces.append(.spokenLetter(upper: letter.isUppercase))
                slots.append(.letter)
                original.append(Character(letter.lowercased()))
            } else {
                for character in word {
                    // ASCII by value: Character's isNumber/isLetter each consult Unicode tables.
                    let ascii = character.asciiValue ?? 0
                    if (48...57).contains(ascii) {
                        pieces.append(.writtenDigit)
                        slots.append(.digit)
                        original.append(character)
                    } else if lettersAreSlots, (65...90).contains(ascii) || (97...122).contains(ascii) {
                        pieces.append(.writtenLetter(upper: ascii <= 90))
                        slots.append(.letter)
                        original.append(Character(Unicode.Scalar(ascii | 0x20)))
                    } else {
                        pieces.append(.literal(String(character)))
                    }
                }
            }
            index += 1
        }
    }

    private mutating func addSpoken(_ digits: [Int], word: String, saysOh: Bool) {
        pieces.append(.spokenDigits(count: digits.count, capitalized: word.first?.isUppercase == true, saysOh: saysOh))
        for digit in digits {
            slots.append(.digit)
            original.append(Character(String(digit)))
        }
    }

    /// Words and the whitespace between them, in order. Walks scalars with an ASCII fast path:
    /// `Character` properties cost a Unicode table lookup each, a third of a surrogate's time.
    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var inSpace = false
        for scalar in text.unicodeScalars {
            let space = scalar.isASCII ? (scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r") : scalar.properties.isWhitespace
            if space != inSpace, !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
            inSpace = space
            current.append(scalar)
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    var digitCount: Int { slots.filter { $0 == .digit }.count }
    var originalValue: String { String(original) }

    /// The template filled with `value` (one character per slot: a digit or a letter).
    func render(_ value: [Character]) -> String {
        var output = ""
        var next = 0
        func take() -> Character {
            defer { next += 1 }
            return next < value.count ? value[next] : "0"
        }
        for piece in pieces {
            switch piece {
            case let .literal(text): output += text
            case .writtenDigit: output.append(take())
            case let .writtenLetter(upper): output += upper ? take().uppercased() : take().lowercased()
            case let .spokenLetter(upper): output += upper ? take().uppercased() : take().lowercased()
            case let .spokenDigits(count, capitalized, saysOh):
                let words = (0..<count).map { _ -> String in
                    let digit = Int(String(take())) ?? 0
                    return digit == 0 && saysOh ? "oh" : Self.digitWords[digit]
                }
                var joined = words.joined(separator: " ")
                if capitalized, let first = joined.first { joined = first.uppercased() + joined.dropFirst() }
                output += joined
            }
        }
        return output
    }
}
