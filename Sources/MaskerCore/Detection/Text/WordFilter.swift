/// A 256-bit Bloom-style filter over word hashes: "certainly not in the set" in two instructions.
///
/// Every token is checked against several keyword sets (number words, months, each recognizer's
/// context phrases). Most tokens are in none of them, and hashing a String for a Dictionary lookup
/// (SipHash) was the largest cost on the hot path. Tokens carry an FNV-1a hash computed once; a set
/// is consulted only when its filter says the word might be there.
struct WordFilter: Sendable {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init<S: Sequence>(_ words: S) where S.Element == String {
        for word in words { insert(WordFilter.hash(word)) }
    }

    private mutating func insert(_ hash: UInt64) {
        for probe in [hash & 255, (hash >> 8) & 255] {
            let bit = UInt64(1) << (probe & 63)
            switch probe >> 6 {
            case 0: bits.0 |= bit
            case 1: bits.1 |= bit
            case 2: bits.2 |= bit
            default: bits.3 |= bit
            }
        }
    }

    @inline(__always) func mightContain(_ hash: UInt64) -> Bool {
        contains(hash & 255) && contains((hash >> 8) & 255)
    }

    @inline(__always) private func contains(_ probe: UInt64) -> Bool {
        let bit = UInt64(1) << (probe & 63)
        switch probe >> 6 {
        case 0: return bits.0 & bit != 0
        case 1: return bits.1 & bit != 0
        case 2: return bits.2 & bit != 0
        default: return bits.3 & bit != 0
        }
    }

    /// FNV-1a over the UTF-8 bytes: cheap, and good enough to spread short words over 256 bits.
    @inline(__always) static func hash(_ word: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
