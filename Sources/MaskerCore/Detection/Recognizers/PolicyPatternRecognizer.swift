import Foundation

/// Compiles policy `patterns:`. Kept in one place so validation and detection agree on what compiles.
public enum PatternCompiler {
    /// Case-insensitive: ASR output is lowercase, written text is not.
    static let options: NSRegularExpression.Options = [.caseInsensitive]

    public static func problem(with pattern: String) -> String? {
        guard !pattern.isEmpty else { return "is empty" }
        do {
            let compiled = try NSRegularExpression(pattern: pattern, options: options)
            // A pattern that matches the empty string would mark every position.
            if compiled.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
                return "matches empty text"
            }
            return nil
        } catch {
            return "does not compile"
        }
    }
}

/// The site-specific shapes a policy declares for a kind (`entities.MRN.patterns`), matched on the
/// original text with NSRegularExpression: user-written patterns need a real regex engine, and they
/// are few. Written forms only (the normaliser's canonical tokens are not text). 0.9.
///
/// Patterns come from the policy's author and run on every turn; a pathological one (nested
/// quantifiers) is slow on long input, as in any regex engine. Keep them anchored and specific.
struct PolicyPatternRecognizer: Recognizer, @unchecked Sendable {
    // NSRegularExpression is immutable once built and safe to share between threads.
    let name = "policy_pattern"
    let kinds: Set<EntityKind>
    let kind: EntityKind
    let expressions: [NSRegularExpression]

    init?(kind: EntityKind, patterns: [String]) {
        let expressions = patterns.compactMap { try? NSRegularExpression(pattern: $0, options: PatternCompiler.options) }
        guard !expressions.isEmpty else { return nil }
        self.kind = kind
        kinds = [kind]
        self.expressions = expressions
    }

    func recognize(_ text: ScannedText) -> [Candidate] {
        let string = text.string
        let range = NSRange(location: 0, length: string.utf16.count)
        var ranges: [NSRange] = []
        for expression in expressions {
            ranges += expression.matches(in: string, range: range).map(\.range).filter { $0.length > 0 }
        }
        guard !ranges.isEmpty else { return [] }
        // UTF-16 offsets to scalar offsets: one walk over the text.
        var scalarAtUTF16 = [Int](repeating: 0, count: range.length + 1)
        var utf16Offset = 0
        var scalarCount = 0
        for scalar in string.unicodeScalars {
            let width = scalar.utf16.count
            for step in 0..<width { scalarAtUTF16[utf16Offset + step] = scalarCount }
            utf16Offset += width
            scalarCount += 1
        }
        scalarAtUTF16[range.length] = scalarCount
        return ranges.map {
            Candidate(kind: kind, start: scalarAtUTF16[$0.location], end: scalarAtUTF16[$0.location + $0.length], confidence: 0.9)
        }
    }
}
