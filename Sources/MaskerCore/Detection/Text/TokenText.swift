/// A token's text, lowercased, stored inline: a plain value with no heap storage and no reference
/// counting.
///
/// Why not `String`: every turn becomes ~50 tokens that the normaliser copies and sixteen
/// recognizers read. With two `String`s per token, retain/release, value-witness copies and
/// SipHash lookups were most of detection's time. Inline bytes make a token a trivially copyable
/// value, keyword checks a length-and-bytes compare, and set lookups a probe on a hash computed
/// once, while the token is cut.
///
/// Up to `capacity` bytes are kept. A longer token (a URL path, a run of 40 digits) keeps its
/// first `capacity` bytes, its full `count` and a hash of every byte: equality stays exact in
/// practice, and no recognizer reads past the prefix of anything that long (the longest
/// identifier it validates, a VIN, has 17 characters).
public struct TokenText: Sendable, Hashable, CustomStringConvertible {
    public static let capacity = 32

    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// Length in UTF-8 bytes of the whole text, including any bytes beyond `capacity`.
    public private(set) var count: Int = 0
    /// The key of `WordTable` lookups: `TokenText.mix` of the stored bytes as whole 8-byte words,
    /// then an FNV-1a step for each byte past `capacity`, so it covers every byte.
    ///
    /// Why not FNV-1a over every byte, as it was: its multiply per byte is one long chain of
    /// dependent steps, and it was what kept the tokenizer from cutting a short word with a single
    /// 8-byte load (`Tokenizer.tokenizeASCII`). FNV-1a lives on as `fnv1a`, because the embedded
    /// NER model's features were trained on it.
    public private(set) var hash: UInt64 = TokenText.mix((0, 0, 0, 0), count: 0)

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    public init() {}

    /// A text of at most `capacity` bytes, given as its 8-byte words (little-endian, lowercase,
    /// zero past `count`): the tokenizer's fast path, which has loaded them whole.
    @inline(__always) init(words: (UInt64, UInt64, UInt64, UInt64), count: Int) {
        storage = words
        self.count = count
        hash = TokenText.mix(words, count: count)
    }

    /// The hash of up to `capacity` stored bytes: each 8-byte word that holds any of them is
    /// folded in with a multiply and a shift, and a final avalanche (MurmurHash3's) spreads every
    /// input bit over the low bits `WordTable` indexes by. A word costs one multiply, where FNV-1a
    /// costs one per byte; `NERLexicon` trusts it not to collide among 160 thousand words.
    @inline(__always) static func mix(_ words: (UInt64, UInt64, UInt64, UInt64), count: Int) -> UInt64 {
        let stored = Swift.min(count, TokenText.capacity)
        var hash = UInt64(truncatingIfNeeded: stored) &* 0x9E37_79B9_7F4A_7C15
        @inline(__always) func fold(_ word: UInt64) {
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
        }
        if stored > 0 { fold(words.0) }
        if stored > 8 { fold(words.1) }
        if stored > 16 { fold(words.2) }
        if stored > 24 { fold(words.3) }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash
    }

    /// `fnv1a` of four texts, computed side by side (see `NERFeatures.hashes(of:)`). Bytes past a
    /// text's end are zero in `storage`, and its lane stops taking steps there.
    static func fnv1a(_ a: TokenText, _ b: TokenText, _ c: TokenText, _ d: TokenText) -> SIMD4<UInt64> {
        let capacity = TokenText.capacity
        let counts = SIMD4<Int64>(Int64(Swift.min(a.count, capacity)), Int64(Swift.min(b.count, capacity)),
                                  Int64(Swift.min(c.count, capacity)), Int64(Swift.min(d.count, capacity)))
        var hash = SIMD4<UInt64>(repeating: TokenText.fnvOffset)
        for index in 0..<Int(counts.max()) {
            let bytes = SIMD4<UInt64>(UInt64(a.byte(at: index)), UInt64(b.byte(at: index)),
                                      UInt64(c.byte(at: index)), UInt64(d.byte(at: index)))
            hash.replace(with: (hash ^ bytes) &* TokenText.fnvPrime, where: SIMD4(repeating: Int64(index)) .< counts)
        }
        return hash
    }

    /// FNV-1a over the stored bytes: the word identity the embedded NER model's features were
    /// trained on (`NERFeatures`). Exact for every text up to `capacity` bytes; a longer one
    /// hashes its prefix.
    public var fnv1a: UInt64 { withBytes { TokenText.fnv1a(of: $0) } }

    /// FNV-1a 64 of any bytes (`fnv1a`, and the NER's suffix feature).
    @inline(__always) static func fnv1a<Bytes: Sequence>(of bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = TokenText.fnvOffset
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* TokenText.fnvPrime }
        return hash
    }

    /// Lowercases as it copies. ASCII is folded byte by byte; text with other scalars goes through
    /// `String.lowercased()` (rare in transcripts, and the only correct way for "É" and friends).
    public init(_ string: String) {
        var isASCII = true
        for byte in string.utf8 where byte >= 0x80 { isASCII = false; break }
        if isASCII {
            append(contentsOf: string.utf8.lazy.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 })
        } else {
            append(contentsOf: string.lowercased().utf8)
        }
    }

    /// A literal, taken as written (literals in this module are lowercase already).
    public init(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// The decimal digits of a non-negative number: what a spoken number becomes.
    public init(decimal value: Int) { append(decimal: value) }

    public mutating func append(decimal value: Int) {
        guard value > 0 else { append(48); return }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        append(contentsOf: sequence(state: divisor) { (divisor: inout Int) -> UInt8? in
            guard divisor > 0 else { return nil }
            defer { divisor /= 10 }
            return UInt8(48 + (value / divisor) % 10)
        })
    }

    /// From a tokenizer's slice of UTF-8; `shape` learns whether the original had capitals.
    init(lowercasing bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, shape: inout CaseShape) {
        var letters = 0, capitals = 0
        for index in range {
            let byte = bytes[index]
            if byte >= 0x80 {
                self = TokenText(String(decoding: bytes[range], as: UTF8.self))
                shape = CaseShape(original: String(decoding: bytes[range], as: UTF8.self))
                return
            }
            if byte >= 65, byte <= 90 {
                capitals += 1
                letters += 1
                append(byte | 0x20)
            } else {
                if byte >= 97, byte <= 122 { letters += 1 }
                append(byte)
            }
        }
        shape = CaseShape(firstIsCapital: range.isEmpty ? false : (bytes[range.lowerBound] >= 65 && bytes[range.lowerBound] <= 90),
                          allCapitals: letters > 0 && capitals == letters)
    }

    /// One byte, hashed at once (`append(contentsOf:)` for several: it hashes once at the end).
    /// Not written as `append(contentsOf: CollectionOfOne(byte))`: that measured 8 % slower
    /// normalisation, which appends single digits in its hot loops.
    @inline(__always) public mutating func append(_ byte: UInt8) {
        if count < TokenText.capacity {
            withUnsafeMutableBytes(of: &storage) { $0[count] = byte }
            count += 1
            hash = TokenText.mix(storage, count: count)
        } else {
            count += 1
            hash = (hash ^ UInt64(byte)) &* TokenText.fnvPrime
        }
    }

    /// Appends bytes, hashing once at the end rather than after every byte.
    public mutating func append<Bytes: Sequence>(contentsOf bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            if count < TokenText.capacity {
                withUnsafeMutableBytes(of: &storage) { $0[count] = byte }
                count += 1
                // Full now: later bytes continue the hash one FNV-1a step each (see `hash`).
                if count == TokenText.capacity { hash = TokenText.mix(storage, count: count) }
            } else {
                count += 1
                hash = (hash ^ UInt64(byte)) &* TokenText.fnvPrime
            }
        }
        if count < TokenText.capacity { hash = TokenText.mix(storage, count: count) }
    }

    public mutating func append(_ other: TokenText) {
        other.withBytes { append(contentsOf: $0) }
        // Bytes past the other's prefix are not visible. The count stays right (length checks read
        // it); the hash can no longer equal the whole text's, so a joined text that long never
        // equals anything, which is the safe way to be wrong.
        for _ in min(other.count, TokenText.capacity)..<other.count { count += 1; hash &*= TokenText.fnvPrime }
    }

    /// The stored bytes (all of them unless `isTruncated`).
    @inline(__always) public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: storage) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<Swift.min(count, TokenText.capacity)])) }
    }

    public var isTruncated: Bool { count > TokenText.capacity }
    public var isEmpty: Bool { count == 0 }

    @inline(__always) public func byte(at index: Int) -> UInt8 {
        withUnsafeBytes(of: storage) { $0[index] }
    }

    public var first: UInt8? { count > 0 ? byte(at: 0) : nil }

    /// Compares with a lowercase literal without building anything: length, then bytes.
    @inline(__always) public static func == (text: TokenText, literal: StaticString) -> Bool {
        guard text.count == literal.utf8CodeUnitCount else { return false }
        return text.hasBytes(of: literal)
    }

    /// The first bytes are the literal's. A plain loop: `elementsEqual` on raw buffers took the
    /// generic `Sequence` path, 1–1.5 % of the regex pass in `perf`.
    @inline(__always) private func hasBytes(of literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        return withBytes { bytes in
            let other = literal.utf8Start
            var index = 0
            while index < length {
                if bytes[index] != other[index] { return false }
                index += 1
            }
            return true
        }
    }

    @inline(__always) public static func != (text: TokenText, literal: StaticString) -> Bool { !(text == literal) }

    public static func == (lhs: TokenText, rhs: TokenText) -> Bool {
        lhs.count == rhs.count && lhs.hash == rhs.hash && lhs.storage == rhs.storage
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    public func hasPrefix(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard count >= length, length <= TokenText.capacity else { return false }
        return hasBytes(of: literal)
    }

    /// The stored bytes from `offset` on, all ASCII digits.
    public func isDigits(from offset: Int = 0) -> Bool {
        withBytes { bytes in offset < bytes.count && bytes[offset...].allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    /// All ASCII letters.
    public var isLetters: Bool {
        !isTruncated && withBytes { bytes in !bytes.isEmpty && bytes.allSatisfy { $0 >= 97 && $0 <= 122 } }
    }

    public var digitCount: Int {
        withBytes { bytes in bytes.reduce(0) { $0 + (($1 >= 48 && $1 <= 57) ? 1 : 0) } }
    }

    /// The value of a digit string of at most 18 digits, as `Int(text)` would give it.
    public var integerValue: Int? { integerValue(from: 0, length: count) }

    /// The value of `length` digits from `offset` ("04121990": month, day and year).
    public func integerValue(from offset: Int, length: Int) -> Int? {
        guard length > 0, length <= 18, offset >= 0, offset + length <= Swift.min(count, TokenText.capacity) else { return nil }
        return withBytes { bytes in
            var value = 0
            for byte in bytes[offset..<(offset + length)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
    }

    /// A copy without its first `prefix` bytes (stored bytes only).
    public func dropping(first prefix: Int) -> TokenText {
        var result = TokenText()
        withBytes { bytes in result.append(contentsOf: bytes.dropFirst(prefix)) }
        return result
    }

    /// The stored bytes as a String: for slow paths (checksums, span values), never per token.
    public var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    public var description: String { string }
}

/// How the original word was capitalised, kept because the canonical text is lowercase: "May" is
/// more likely the month than "may", and "IN" is Indiana where "in" is a preposition.
struct CaseShape: Sendable, Equatable {
    var firstIsCapital = false
    var allCapitals = false

    init(firstIsCapital: Bool = false, allCapitals: Bool = false) {
        self.firstIsCapital = firstIsCapital
        self.allCapitals = allCapitals
    }

    init(original: String) {
        let letters = original.unicodeScalars.filter(\.properties.isAlphabetic)
        firstIsCapital = original.unicodeScalars.first?.properties.isUppercase ?? false
        allCapitals = !letters.isEmpty && letters.allSatisfy(\.properties.isUppercase)
    }
}

/// Keyword sets and maps keyed by `TokenText`, probed with the hash the token already carries.
///
/// Why not `Set<String>` / `Dictionary`: those hash the key again (SipHash) on every lookup, and
/// every token of every turn is looked up in several of them. Open addressing on the precomputed
/// FNV hash costs one multiply-free mask and, for most tokens, one empty-slot check. Tables are
/// built once, from literal word lists, and never change.
public struct WordTable<Value: Sendable>: Sendable {
    /// Each slot's key hash, 0 for an empty slot (a word hashing to 0 is stored as 1): probing reads
    /// this dense array and touches a key only when the hash matches.
    private var hashes: [UInt64]
    private var keys: [TokenText]
    private var values: [Value?]
    private let mask: Int

    public init<S: Sequence>(_ pairs: S) where S.Element == (String, Value) {
        let list = Array(pairs)
        var size = 16
        while size < list.count * 4 { size *= 2 } // at most a quarter full: probes stay short
        hashes = Array(repeating: 0, count: size)
        keys = Array(repeating: TokenText(), count: size)
        values = Array(repeating: nil, count: size)
        mask = size - 1
        for (word, value) in list {
            let key = TokenText(word)
            let hash = WordTable.slotHash(key)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while hashes[slot] != 0, keys[slot] != key { slot = (slot + 1) & mask }
            hashes[slot] = hash
            keys[slot] = key
            values[slot] = value
        }
    }

    public init(_ dictionary: [String: Value]) { self.init(dictionary.map { ($0.key, $0.value) }) }

    @inline(__always) private static func slotHash(_ text: TokenText) -> UInt64 { text.hash == 0 ? 1 : text.hash }

    @inline(__always) public subscript(_ text: TokenText) -> Value? {
        let hash = WordTable.slotHash(text)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = hashes[slot]
            if stored == 0 { return nil }
            if stored == hash, keys[slot] == text { return values[slot] }
            slot = (slot + 1) & mask
        }
    }

    public var words: [String] { zip(hashes, keys).filter { $0.0 != 0 }.map { $0.1.string } }
}

/// A set of lowercase words (see `WordTable`).
public struct WordSet: Sendable, ExpressibleByArrayLiteral {
    private let table: WordTable<Bool>

    public init<S: Sequence>(_ words: S) where S.Element == String { table = WordTable(words.map { ($0, true) }) }
    public init(arrayLiteral words: String...) { self.init(words) }

    @inline(__always) public func contains(_ text: TokenText) -> Bool { table[text] != nil }

    public var words: [String] { table.words }
}
