/// RFC 4648 base32 (alphabet A–Z, 2–7) without padding, as token bodies use it.
///
/// Written by hand: none of the listed packages provides base32, and the codec is a few lines of
/// bit shifting. Decoding is strict (upper case only, no padding, no stray trailing bits) so a
/// token has exactly one spelling and a tampered body is refused rather than silently repaired.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    /// Written straight into the string's storage: every token minted is encoded here, and an
    /// array grown a character at a time and then copied into a string took four allocations.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let length = (bytes.count * 8 + 4) / 5
        return String(unsafeUninitializedCapacity: length) { output in
            var written = 0
            var buffer: UInt32 = 0
            var bits = 0
            for byte in bytes {
                buffer = (buffer << 8) | UInt32(byte)
                bits += 8
                while bits >= 5 {
                    output[written] = alphabet[Int((buffer >> UInt32(bits - 5)) & 31)]
                    written += 1
                    bits -= 5
                }
            }
            if bits > 0 {
                output[written] = alphabet[Int((buffer << UInt32(5 - bits)) & 31)]
                written += 1
            }
            return written
        }
    }

    /// nil for any character outside the alphabet, an impossible length, or non-zero padding bits.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value = values[Int(byte)]
            guard value >= 0 else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        // Valid unpadded lengths leave 0, 2, 4, 1 or 3 bits over; those bits must be zero.
        guard [0, 1, 2, 3, 4].contains(bits), buffer & ((1 << UInt32(bits)) - 1) == 0, ![1, 3, 6].contains(text.utf8.count % 8) else {
            return nil
        }
        return output
    }
}
