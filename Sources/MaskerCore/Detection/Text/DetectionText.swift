import Foundation

/// A text as the recognizers read it, with a map back to the original: spans are found on the
/// normalised form and reported on the original (SPEC section 2 offsets).
///
/// Why: PHI written in other code points is still PHI. Full-width digits (`４１５-５５５-２６７１`),
/// a zero-width joiner or a NUL inside a number (`123\u{200D}-45-6789`), a soft hyphen inside an
/// email: each passed every recognizer, which read ASCII, while a model reads straight through
/// them. Three rules, applied scalar by scalar:
/// - Unicode compatibility mapping (NFKC of each scalar): full-width and other compatibility
///   forms of digits, letters and punctuation become their plain forms;
/// - format characters (general category Cf: zero-width space and joiners, bidi controls, soft
///   hyphen, BOM) are dropped;
/// - control characters other than tab, newline and carriage return are dropped next to a digit
///   (a NUL inside a number joins its halves) and become a space elsewhere (two words stay two).
///
/// Each scalar is mapped on its own, so a normalised scalar always comes from exactly one original
/// scalar and spans map back exactly; composition across scalars (a letter and a separate
/// combining accent) is left alone, which changes no digit and no ASCII letter.
///
/// Almost every turn is printable ASCII, which none of the rules change: checking that is the
/// whole cost for them.
public struct DetectionText: Sendable {
    /// What the recognizers scan.
    public let text: String
    /// For each scalar of `text`, the scalar of the original it came from; nil when `text` is the
    /// original itself.
    private let origins: [Int32]?
    /// For each scalar of the original (and one past its end), the first scalar of `text` at or
    /// after it; nil when `text` is the original.
    private let firsts: [Int32]?

    public init(_ original: String) {
        guard Self.needsNormalizing(original) else {
            text = original
            origins = nil
            firsts = nil
            return
        }
        var output = String.UnicodeScalarView()
        var origins: [Int32] = []
        var firsts: [Int32] = []
        let scalars = Array(original.unicodeScalars)
        var compatibility: [UInt32: [Unicode.Scalar]] = [:]
        for (index, scalar) in scalars.enumerated() {
            firsts.append(Int32(origins.count))
            let mapped: [Unicode.Scalar]
            switch Self.category(of: scalar) {
            case .keep: mapped = [scalar]
            case .drop: mapped = []
            case .control:
                let nextIsDigit = index + 1 < scalars.count && Self.isDigitLike(scalars[index + 1])
                let previousIsDigit = output.last.map(Self.isDigitLike) ?? false
                mapped = previousIsDigit || nextIsDigit ? [] : [" "]
            case .compatibility:
                if let known = compatibility[scalar.value] {
                    mapped = known
                } else {
                    let form = Array(String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars)
                    compatibility[scalar.value] = form
                    mapped = form
                }
            }
            for piece in mapped {
                output.append(piece)
                origins.append(Int32(index))
            }
        }
        firsts.append(Int32(origins.count))
        text = String(output)
        self.origins = origins
        self.firsts = firsts
    }

    /// Whether the recognizers read something other than the original.
    public var isNormalized: Bool { origins != nil }

    /// A span of `text` as a span of the original: from the original scalar its first scalar came
    /// from to the end of the one its last came from.
    public func originalSpan(_ start: Int, _ end: Int) -> (start: Int, end: Int) {
        guard let origins, !origins.isEmpty else { return (start, end) }
        let lower = Int(origins[min(max(start, 0), origins.count - 1)])
        let upper = end > start ? Int(origins[min(end - 1, origins.count - 1)]) + 1 : lower
        return (lower, upper)
    }

    /// A span of the original as a span of `text` (for spans an LLM back end found on the original).
    public func normalizedSpan(_ start: Int, _ end: Int) -> (start: Int, end: Int) {
        guard let firsts else { return (start, end) }
        let clamp = { (value: Int) in min(max(value, 0), firsts.count - 1) }
        return (Int(firsts[clamp(start)]), Int(firsts[clamp(end)]))
    }

    private enum Category { case keep, drop, control, compatibility }

    private static func category(of scalar: Unicode.Scalar) -> Category {
        let value = scalar.value
        if value < 0x80 {
            return value >= 0x20 && value != 0x7F || value == 9 || value == 10 || value == 13 ? .keep : .control
        }
        switch scalar.properties.generalCategory {
        case .format: return .drop
        case .control: return .control
        default: return .compatibility
        }
    }

    private static func isDigitLike(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.numericType != nil
    }

    /// Printable ASCII with tab, newline and carriage return: nothing to map.
    static func needsNormalizing(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte >= 0x7F || (byte < 0x20 && byte != 9 && byte != 10 && byte != 13) { return true }
            return false
        }
    }
}
