/// A policy pattern (`entities.<KIND>.patterns`) parsed into a tree, for `PatternProgram`.
///
/// Why a parser of our own: patterns come from any account's agent policy and run on every turn
/// of it. NSRegularExpression (ICU) backtracks, so `(a*)*b` made a 40-character turn take 15–19 s
/// and held up other accounts' turns. `PatternMatcher` runs a pattern in time linear in the text
/// for every pattern it accepts; what it cannot run that way (back-references, lookaround,
/// possessive and atomic groups) is refused at validation with the reason, never run slowly.
///
/// The syntax is the common subset of ICU/PCRE that site-specific identifiers need: literals and
/// escapes (`\d \D \w \W \s \S \b \B \t \n \r \f \v \. \-` …), `.`, classes (`[A-Z0-9]`, `[^…]`,
/// with `\d \w \s` inside), groups (`(…)`, `(?:…)`, `(?<name>…)`), `|`, `^`, `$`, and the
/// quantifiers `* + ? {n} {n,} {n,m}` with their lazy forms (`*?` …).
indirect enum PatternNode: Equatable, Sendable {
    case empty
    case literal(Unicode.Scalar)
    case set(PatternSet)
    case any
    case start, end, wordBoundary, notWordBoundary
    case sequence([PatternNode])
    case alternation([PatternNode])
    case repeated(PatternNode, min: Int, max: Int?, lazy: Bool)
}

/// A character class: ranges of scalars, the shorthand classes it includes, and whether negated.
struct PatternSet: Equatable, Sendable {
    var ranges: [ClosedRange<UInt32>] = []
    var digit = false, notDigit = false, word = false, notWord = false, space = false, notSpace = false
    var negated = false

    func contains(_ scalar: Unicode.Scalar, caseInsensitive: Bool) -> Bool {
        var found = matches(scalar)
        if !found, caseInsensitive {
            for other in PatternCase.variants(of: scalar) where matches(other) {
                found = true
                break
            }
        }
        return found != negated
    }

    private func matches(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if ranges.contains(where: { $0.contains(value) }) { return true }
        if digit, PatternCase.isDigit(scalar) { return true }
        if notDigit, !PatternCase.isDigit(scalar) { return true }
        if word, PatternCase.isWord(scalar) { return true }
        if notWord, !PatternCase.isWord(scalar) { return true }
        if space, scalar.properties.isWhitespace { return true }
        if notSpace, !scalar.properties.isWhitespace { return true }
        return false
    }
}

/// Case folding and the shorthand classes, as ICU reads them.
enum PatternCase {
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .decimalNumber }

    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .connectorPunctuation
    }

    /// The scalar's other-case forms that are single scalars.
    static func variants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.isASCII {
            let value = scalar.value
            if value >= 65, value <= 90 { return [Unicode.Scalar(value + 32)!] }
            if value >= 97, value <= 122 { return [Unicode.Scalar(value - 32)!] }
            return []
        }
        var variants: [Unicode.Scalar] = []
        for form in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let scalars = form.unicodeScalars
            if scalars.count == 1, let only = scalars.first, only != scalar { variants.append(only) }
        }
        return variants
    }

    static func equal(_ a: Unicode.Scalar, _ b: Unicode.Scalar, caseInsensitive: Bool) -> Bool {
        a == b || (caseInsensitive && variants(of: a).contains(b))
    }
}

/// Why a pattern cannot be run; `description` reads after "pattern …" in a validation message.
struct PatternSyntaxError: Error, Equatable, CustomStringConvertible {
    var description: String
}

/// Recursive descent over the pattern's scalars.
struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0
    /// Deeper nesting than any identifier needs; bounded so a hostile pattern cannot exhaust the stack.
    static let maxDepth = 50

    static func parse(_ pattern: String) throws(PatternSyntaxError) -> PatternNode {
        var parser = PatternParser(scalars: Array(pattern.unicodeScalars))
        let node = try parser.alternation()
        guard parser.position == parser.scalars.count else {
            throw PatternSyntaxError(description: "at character \(parser.position + 1) has an unmatched ')'")
        }
        return node
    }

    private init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func failure(_ what: String) -> PatternSyntaxError {
        PatternSyntaxError(description: "at character \(position + 1) \(what)")
    }

    private mutating func alternation() throws(PatternSyntaxError) -> PatternNode {
        var branches = [try sequence()]
        while current == "|" {
            position += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws(PatternSyntaxError) -> PatternNode {
        var items: [PatternNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            items.append(try quantified(try atom()))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .sequence(items)
        }
    }

    private mutating func quantified(_ node: PatternNode) throws(PatternSyntaxError) -> PatternNode {
        var node = node
        while let scalar = current {
            var bounds: (Int, Int?)
            switch scalar {
            case "*": bounds = (0, nil); position += 1
            case "+": bounds = (1, nil); position += 1
            case "?": bounds = (0, 1); position += 1
            case "{":
                guard let counted = try counts() else { return node } // a literal "{"
                bounds = counted
            default: return node
            }
            switch node {
            case .start, .end, .wordBoundary, .notWordBoundary, .empty:
                throw failure("repeats an anchor or nothing")
            default: break
            }
            var lazy = false
            if current == "?" {
                lazy = true
                position += 1
            } else if current == "+" {
                throw failure("uses a possessive quantifier, which the linear-time matcher does not run; drop the '+'")
            }
            node = .repeated(node, min: bounds.0, max: bounds.1, lazy: lazy)
        }
        return node
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil (and nothing consumed) when the brace is a literal.
    private mutating func counts() throws(PatternSyntaxError) -> (Int, Int?)? {
        let start = position
        position += 1
        func number() -> Int? {
            var digits = ""
            while let scalar = current, scalar.properties.numericType != nil, scalar.isASCII {
                digits.unicodeScalars.append(scalar)
                position += 1
            }
            return Int(digits)
        }
        guard let low = number() else {
            position = start
            return nil
        }
        var high: Int? = low
        if current == "," {
            position += 1
            high = number()
        }
        guard current == "}" else {
            position = start
            return nil
        }
        position += 1
        if let high, high < low { throw failure("has a repeat whose maximum is below its minimum") }
        guard low <= PatternProgram.maxRepeat, (high ?? 0) <= PatternProgram.maxRepeat else {
            throw failure("repeats more than \(PatternProgram.maxRepeat) times")
        }
        return (low, high)
    }

    private mutating func atom() throws(PatternSyntaxError) -> PatternNode {
        guard let scalar = current else { throw failure("ends too early") }
        position += 1
        switch scalar {
        case ".": return .any
        case "^": return .start
        case "$": return .end
        case "(": return try group()
        case "[": return .set(try set())
        case "\\": return try escape(inSet: false)
        case "*", "+", "?": throw failure("has a quantifier with nothing before it")
        default: return .literal(scalar)
        }
    }

    private mutating func group() throws(PatternSyntaxError) -> PatternNode {
        if current == "?" {
            position += 1
            switch current {
            case ":": position += 1
            case "<" where position + 1 < scalars.count && scalars[position + 1] != "=" && scalars[position + 1] != "!":
                // A named group: its name is skipped, it matches as a plain group.
                while let scalar = current, scalar != ">" { position += 1 }
                guard current == ">" else { throw failure("has an unfinished group name") }
                position += 1
            case "=", "!", "<":
                throw failure("uses lookaround, which the linear-time matcher does not run; match the text itself instead")
            case ">":
                throw failure("uses an atomic group, which the linear-time matcher does not run")
            default:
                throw failure("uses a group option the linear-time matcher does not know (patterns are always case-insensitive)")
            }
        }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw failure("nests groups deeper than \(Self.maxDepth)") }
        let inner = try alternation()
        guard current == ")" else { throw failure("has an unclosed '('") }
        position += 1
        return inner
    }

    private mutating func escape(inSet: Bool) throws(PatternSyntaxError) -> PatternNode {
        guard let scalar = current else { throw failure("ends with a lone '\\'") }
        position += 1
        var set = PatternSet()
        switch scalar {
        case "d": set.digit = true
        case "D": set.notDigit = true
        case "w": set.word = true
        case "W": set.notWord = true
        case "s": set.space = true
        case "S": set.notSpace = true
        case "b" where !inSet: return .wordBoundary
        case "B" where !inSet: return .notWordBoundary
        case "A" where !inSet: return .start
        case "z", "Z": if !inSet { return .end } else { throw failure("has \\\(scalar) inside a class") }
        case "t": return .literal("\t")
        case "n": return .literal("\n")
        case "r": return .literal("\r")
        case "f": return .literal("\u{0C}")
        case "v": return .literal("\u{0B}")
        case "1"..."9":
            throw failure("uses a back-reference, which the linear-time matcher does not run")
        case "0": return .literal("\0")
        case "u", "x", "p", "P", "k", "Q", "E", "G", "X", "R", "N", "h", "H", "c", "e", "a":
            throw failure("uses the escape \\\(scalar), which the linear-time matcher does not know; write the characters themselves")
        default:
            guard !scalar.properties.isAlphabetic else { throw failure("uses the unknown escape \\\(scalar)") }
            return .literal(scalar)
        }
        return .set(set)
    }

    /// After `[`: members up to the closing `]`.
    private mutating func set() throws(PatternSyntaxError) -> PatternSet {
        var set = PatternSet()
        if current == "^" {
            set.negated = true
            position += 1
        }
        var first = true
        while let scalar = current, scalar != "]" || first {
            first = false
            position += 1
            var low: Unicode.Scalar
            if scalar == "\\" {
                let escaped = try escape(inSet: true)
                switch escaped {
                case let .literal(literal): low = literal
                case let .set(shorthand):
                    set.digit = set.digit || shorthand.digit
                    set.notDigit = set.notDigit || shorthand.notDigit
                    set.word = set.word || shorthand.word
                    set.notWord = set.notWord || shorthand.notWord
                    set.space = set.space || shorthand.space
                    set.notSpace = set.notSpace || shorthand.notSpace
                    continue
                default: throw failure("has an escape that cannot stand in a class")
                }
            } else if scalar == "[" {
                throw failure("nests a class or uses a POSIX class, which the linear-time matcher does not know")
            } else {
                low = scalar
            }
            // A range "a-z"; a '-' at either end of the class is itself.
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                guard var high = current else { throw failure("has an unfinished range") }
                position += 1
                if high == "\\" {
                    guard case let .literal(literal) = try escape(inSet: true) else { throw failure("has a range ending in a class") }
                    high = literal
                }
                guard low.value <= high.value else { throw failure("has a range out of order") }
                set.ranges.append(low.value...high.value)
            } else {
                set.ranges.append(low.value...low.value)
            }
        }
        guard current == "]" else { throw failure("has an unclosed '['") }
        position += 1
        return set
    }
}
