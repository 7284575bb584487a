import Foundation

/// Ids such as `evt_01JD3Q8W5T9ZP4M2K7R6X0BC1A`: a type prefix, then a ULID (48 bits of
/// milliseconds and 80 random bits in Crockford base32), so ids sort by creation time as text and
/// say what they name. Hand-written: none of the listed packages makes ULIDs, and the format is
/// twenty lines.
///
/// Monotonic within one generator: ids made in the same millisecond increment the random part, so
/// the audit log's event ids sort in file order.
public struct SortableIDGenerator: Sendable {
    private var lastMillis: UInt64 = 0
    private var lastRandom: (high: UInt16, low: UInt64) = (0, 0)

    public init() {}

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public mutating func next(prefix: String, now: Date = Date()) -> String {
        let millis = UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down)))
        if millis <= lastMillis {
            // Same (or an earlier, if the clock stepped back) millisecond: keep order by counting up.
            if lastRandom.low == .max { lastRandom.high &+= 1 }
            lastRandom.low &+= 1
        } else {
            lastMillis = millis
            var generator = SystemRandomNumberGenerator()
            lastRandom = (UInt16.random(in: 0...UInt16.max, using: &generator), generator.next())
        }
        return Self.encode(prefix: prefix, millis: lastMillis, random: lastRandom)
    }

    /// An id whose 80 random bits are all fresh, for an id that acts as a credential (an agent's id
    /// is the proxy URL's only secret unless a webhook secret is set). `next` counts up within a
    /// millisecond to stay monotonic, so two ids made in one millisecond differ by one and the
    /// second is guessable from the first; these sort by millisecond only.
    public static func unguessable(prefix: String, now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down)))
        return encode(prefix: prefix, millis: millis, random: (UInt16.random(in: 0...UInt16.max, using: &generator), generator.next()))
    }

    /// `prefix`, `_`, then 26 characters: 10 for the 48-bit time, 16 for the 80 random bits.
    /// Written straight into one string: every audit record and session gets an id, and building
    /// the characters, then a string, then the prefixed string took four allocations.
    static func encode(prefix: String, millis: UInt64, random: (high: UInt16, low: UInt64)) -> String {
        var prefix = prefix
        return prefix.withUTF8 { prefix in
            String(unsafeUninitializedCapacity: prefix.count + 27) { characters in
                _ = characters.initialize(from: prefix)
                characters[prefix.count] = UInt8(ascii: "_")
                let start = prefix.count + 1
                var time = millis
                for index in stride(from: start + 9, through: start, by: -1) {
                    characters[index] = alphabet[Int(time & 31)]
                    time >>= 5
                }
                // 80 bits = high 16 + low 64, read 5 bits at a time from the least significant end.
                var low = random.low, high = UInt64(random.high)
                for index in stride(from: start + 25, through: start + 10, by: -1) {
                    characters[index] = alphabet[Int(low & 31)]
                    low = (low >> 5) | ((high & 31) << 59)
                    high >>= 5
                }
                return start + 26
            }
        }
    }
}

/// One generator shared by concurrent callers (request tasks, store writes): ids stay unique and
/// monotonic across them.
public final class SharedSortableIDGenerator: @unchecked Sendable {
    // `generator` is only touched under `lock`.
    private let lock = NSLock()
    private var generator = SortableIDGenerator()

    public init() {}

    public func next(prefix: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        return generator.next(prefix: prefix)
    }
}
