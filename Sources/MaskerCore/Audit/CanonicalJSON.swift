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
    public var canonical: String {
        var output = ""
        writeCanonical(to: &output)
        return output
    }

    private func writeCanonical(to output: inout String) {
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .uint(value): output += String(value)
        case let .double(value):
            // Records never hold NaN or infinity (confidences are in [0, 1]); JSON cannot either.
            output += value.isFinite ? String(value) : "null"
        case let .string(value): Self.writeCanonicalString(value, to: &output)
        case let .array(values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.writeCanonical(to: &output)
            }
            output += "]"
        case let .object(pairs):
            output += "{"
            let sorted = pairs.sorted { Self.codePointOrder($0.0, $1.0) }
            for (index, (key, value)) in sorted.enumerated() {
                if index > 0 { output += "," }
                Self.writeCanonicalString(key, to: &output)
                output += ":"
                value.writeCanonical(to: &output)
            }
            output += "}"
        }
    }

    /// Swift's `String <` compares canonically equivalent forms, not code points; Python compares
    /// code points. Keys we write are ASCII, where both agree, but a verifier must match Python on
    /// any key.
    static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    private static func writeCanonicalString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
