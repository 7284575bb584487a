import Foundation

extension Data {
    /// Lowercase hex: audit hashes, key fingerprints, body signatures.
    public var hexString: String { Hex.lowercase(self) }
}

public enum Hex {
    /// Lowercase hex digits; also the `\u00xx` escapes of `JSONValue`'s two serialisers.
    static let digits = Array("0123456789abcdef".utf8)

    /// Written straight into the string: the audit log hashes every record, and going through
    /// `Data` and a byte array first cost three allocations a record.
    public static func lowercase<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(unsafeUninitializedCapacity: bytes.count * 2) { output in
            var written = 0
            for byte in bytes {
                output[written] = digits[Int(byte >> 4)]
                output[written + 1] = digits[Int(byte & 15)]
                written += 2
            }
            return written
        }
    }
}

/// Comparison whose time does not depend on where the inputs differ: how much of a guessed
/// signature, password hash or CSRF token matched must not show in the timing.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
