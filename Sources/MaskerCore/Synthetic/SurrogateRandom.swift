import Crypto
import Foundation

/// The randomness behind one surrogate: a SplitMix64 stream seeded by an HMAC of the session's
/// key, the kind, the original and an attempt number.
///
/// Written by hand (not `Int.random(in:using:)`) because the surrogate for a seed must be the same
/// on every machine and Swift release, and the standard library does not promise how it maps a
/// generator's output to a range.
struct SurrogateRandom {
    private var generator: SplitMix64

    /// - Parameter mac: an HMAC already keyed with the session's key (copied, never finalised), so
    ///   each draw skips the key schedule.
    init(mac: HMAC<SHA256>, parts: [String]) {
        // One contiguous buffer and one call: HMAC's incremental `update` through `DataProtocol`
        // cost more than the surrogate itself.
        var message: [UInt8] = []
        message.reserveCapacity(parts.reduce(0) { $0 + $1.utf8.count + 1 })
        for part in parts {
            message.append(contentsOf: part.utf8)
            message.append(0)
        }
        var state: UInt64 = 0
        var keyed = mac
        keyed.update(data: message)
        for byte in keyed.finalize().prefix(8) { state = state << 8 | UInt64(byte) }
        generator = SplitMix64(state: state)
    }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in 0..<bound (bound > 0), by rejection so no value is favoured.
    mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = next()
            if value < limit { return value % bound }
        }
    }

    mutating func below(_ bound: Int) -> Int { Int(below(UInt64(bound))) }

    mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// True with probability `probability`, at 2^-53 resolution.
    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < probability
    }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A word from `draw`, drawn again (at most 20 times) while it equals `original` (lowercased)
    /// whatever its case: a surrogate never gives its original back, though two originals may
    /// share a surrogate word, as two people share a first name.
    mutating func word(unlike original: String, _ draw: (inout SurrogateRandom) -> String) -> String {
        var word = draw(&self)
        for _ in 0..<20 where word.lowercased() == original { word = draw(&self) }
        return word
    }

    mutating func digit() -> Character { Character(Unicode.Scalar(UInt8(48 + below(10)))) }
}
