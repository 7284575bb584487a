/// The one byte form of a JSON value that the audit chain hashes and reports are signed over, so an
/// auditor can recompute it in any language from the parsed record. It is exactly what Python
/// writes with `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`:
///
/// - no whitespace; object keys sorted by Unicode code point, at every level;
/// - strings: `"` and `\` escaped with a backslash, `\b \f \n \r \t` in their short forms, every other
///   character below U+0020 as `\u00xx` (lowercase hex), everything else as raw UTF-8;
/// - integers in plain decimal; other numbers as the shortest decimal that reads back as the same
///   IEEE double, with a `.0` on whole values and an exponent only below 1e-4 or from 1e16 up
///   (Python's `repr`, which is also Swift's `description`);
/// - `true`, `false`, `null`.
///
/// `docs/audit.md` repeats this for auditors. The serialiser is hand-written because nothing in the
/// stack promises byte-identical output with Python (Foundation's `.sortedKeys` sorts differently
/// and escapes `/`).
extension JSONValue {
    public var canonical: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// The canonical form as UTF-8, which is what is hashed and signed.
    public var canonicalBytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        writeCanonical(to: &output)
        return output
    }

    /// Written into bytes rather than a `String`: appending scalar by scalar to a `String` cost
    /// 13 µs a record, which alone capped the audit log near 30,000 events/s.
    func writeCanonical(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case let .bool(value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case let .int(value): output.append(contentsOf: String(value).utf8)
        case let .uint(value): output.append(contentsOf: String(value).utf8)
        case let .double(value):
            // Records never hold NaN or infinity (confidences are in [0, 1]); JSON cannot either.
            output.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        case let .string(value): Self.writeCanonicalString(value, to: &output)
        case let .array(values):
            output.append(UInt8(ascii: "["))
            var first = true
            for value in values {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                value.writeCanonical(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case let .object(pairs):
            output.append(UInt8(ascii: "{"))
            // Records are built in sorted order already, so this is usually one pass of comparisons.
            let sorted = pairs.sorted { Self.codePointOrder($0.0, $1.0) }
            var first = true
            for (key, value) in sorted {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                Self.writeCanonicalString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                value.writeCanonical(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Swift's `String <` compares canonically equivalent forms, not code points; Python compares
    /// code points. UTF-8 byte order is code-point order, so comparing the bytes matches Python on
    /// any key.
    static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Only ASCII bytes are ever escaped, so the UTF-8 bytes of everything else are copied as they are.
    static func writeCanonicalString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.makeContiguousUTF8()
        string.utf8.withContiguousStorageIfAvailable { bytes in
            // Most strings need no escape at all: copy them in one go.
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                output.append(contentsOf: bytes)
                return
            }
            for byte in bytes { appendEscaped(byte, to: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
        case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
        case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case 0x00..<0x20:
            output += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                       Hex.digits[Int(byte >> 4)], Hex.digits[Int(byte & 15)]]
        default: output.append(byte)
        }
    }
}
