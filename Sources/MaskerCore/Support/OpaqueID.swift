/// The grammar of ids Masker writes down as they are: session (call) ids, which go into the audit
/// log, the vault's scopes and the session list, and the tool names and tool-call ids a request
/// carries, which a model needs unchanged. Such an id must be opaque: it may not be able to carry
/// a name, a phone number or an email, because nothing downstream masks it.
///
/// Call ids and UUIDs pass (Vapi's UUIDs, Retell's 32 random letters and digits, Twilio's `CA…`
/// hex, `call_…`-style ids, tool names such as `book_appointment`); the rules, in order:
/// 1. 1 to `maxLength` characters of `A-Z a-z 0-9 _ . : -` (no space, `@`, `+`, `/` or quote);
/// 2. a canonical UUID passes as it is;
/// 3. no run of 7 or more digits, separators between digits ignored (`415-555-2671`,
///    `call_4155552671`, `1990-04-12`), except inside one segment of 16 or more characters that
///    mixes letters and digits (a random id: its digit runs are chance);
/// 4. no word that is a person's name in the embedded model's gazetteers (Census first names;
///    surnames that are not ordinary English words): words are cut at separators, digits and
///    lower-to-upper case changes (`SarahChen` is two). Inside a random segment only capitalised
///    words of four letters or more count, so chance letters do not refuse an id.
/// Rule 4 needs the embedded NER model's lexicon; without it (a missing model, reported by
/// `/health`) only rules 1 to 3 apply.
public enum OpaqueID {
    public enum Problem: String, Sendable, Equatable {
        case empty, tooLong = "too_long", character, digitRun = "digit_run", name

        /// Why, for an error message; never quotes the id.
        public var explanation: String {
            switch self {
            case .empty: return "it is empty"
            case .tooLong: return "it is too long"
            case .character: return "it holds a character other than letters, digits, '_', '.', ':' and '-'"
            case .digitRun: return "it holds a run of 7 or more digits, which could be a phone number, a date or another identifier"
            case .name: return "it holds a word that is a person's name"
            }
        }
    }

    /// Separators that cut an id into segments.
    static let separators: Set<UInt8> = [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "-")]

    public static func problem(with id: String, maxLength: Int = 128) -> Problem? {
        let bytes = Array(id.utf8)
        guard !bytes.isEmpty else { return .empty }
        guard bytes.count <= maxLength else { return .tooLong }
        guard bytes.allSatisfy({ isAlphanumeric($0) || separators.contains($0) }) else { return .character }
        if isUUID(bytes) { return nil }
        let segments = bytes.split(whereSeparator: { separators.contains($0) })
        let random = segments.map(isRandom)
        if hasLongDigitRun(bytes, segments: segments, random: random) { return .digitRun }
        if let lexicon = EmbeddedNER.recognizer?.model.lexicon {
            for (segment, isRandom) in zip(segments, random) {
                for word in words(segment) where isName(word, inRandom: isRandom, lexicon: lexicon) { return .name }
            }
        }
        return nil
    }

    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }

    static func isUUID(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard isDigit(byte) || ((byte | 0x20) >= 97 && (byte | 0x20) <= 102) else { return false }
            }
        }
        return true
    }

    /// A segment a generator made: long, with letters and digits mixed.
    static func isRandom(_ segment: ArraySlice<UInt8>) -> Bool {
        segment.count >= 16 && segment.contains(where: isLetter) && segment.contains(where: isDigit)
    }

    /// Rule 3: digits counted across separators, a letter ends a run; runs inside one random
    /// segment are left alone.
    static func hasLongDigitRun(_ bytes: [UInt8], segments: [ArraySlice<UInt8>], random: [Bool]) -> Bool {
        var run = 0
        var runSegments = Set<Int>()
        var segment = 0
        var index = 0
        func closes() -> Bool {
            defer { run = 0; runSegments = [] }
            guard run >= 7 else { return false }
            return !(runSegments.count == 1 && random[runSegments.first!])
        }
        while index < bytes.count {
            let byte = bytes[index]
            if separators.contains(byte) {
                // A separator does not end a run; it moves to the next segment.
                if index > 0, !separators.contains(bytes[index - 1]) { segment += 1 }
            } else if isDigit(byte) {
                run += 1
                runSegments.insert(min(segment, segments.count - 1))
            } else if closes() {
                return true
            }
            index += 1
        }
        return closes()
    }

    /// Letter runs of a segment, cut at digits and at a lower-case letter followed by a capital.
    static func words(_ segment: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var words: [ArraySlice<UInt8>] = []
        var start: Int?
        for index in segment.indices {
            let byte = segment[index]
            guard isLetter(byte) else {
                if let begun = start { words.append(segment[begun..<index]) }
                start = nil
                continue
            }
            if let begun = start, isUpper(byte), !isUpper(segment[index - 1]) {
                words.append(segment[begun..<index])
                start = index
            } else if start == nil {
                start = index
            }
        }
        if let begun = start { words.append(segment[begun..<segment.endIndex]) }
        return words
    }

    /// Rule 4 for one word.
    static func isName(_ word: ArraySlice<UInt8>, inRandom: Bool, lexicon: NERLexicon) -> Bool {
        guard word.count >= 3 else { return false }
        if inRandom {
            // Only a capitalised word of four letters or more: "Sarah" in "SarahChen4155552671…".
            guard word.count >= 4, isUpper(word[word.startIndex]), word.dropFirst().allSatisfy({ !isUpper($0) }) else { return false }
        }
        let lists = Set(lexicon.features(of: String(decoding: word, as: UTF8.self)))
        let isFirstName = lists.contains { $0.hasPrefix("first:") }
        let isSurname = lists.contains { $0.hasPrefix("last:") } && (lists.contains("dictcap") || !lists.contains("dict"))
        return isFirstName || isSurname
    }
}
