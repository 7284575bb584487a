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

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
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
