import Foundation
@testable import MaskerCore
import Testing

/// Policy patterns run in linear time and find what a backtracking engine (ICU) finds.
struct PatternMatcherTests {
    static let patterns = [
        #"MRN-\d{7}"#, #"H\d{2}-\d{5}"#, "ZZ[0-9]{6}", #"[A-Z]{3}\d{6,9}"#, #"(?:acct|account)\s*#?\s*\d{6,12}"#,
        #"\b[A-Z]\d{7}\b"#, "a+?b", "(ab|a)(c|bcd)", "colou?r", "^foo", "bar$", "[^a-z ]+", #"\w+@\w+\.com"#,
        "(a|ab)(c|bcd)(d*)", ".{3}-.{2}", #"\d{3}[-.]\d{4}"#, "x{2,}y", "(?<id>Q)[0-9]{2,3}?", #"[\d-]{5}"#, "a|b|c",
        #"\Bb\B"#, "[a-c-]+", "(?:12|123)4", "k{0,2}z",
    ]
    static let texts = [
        "MRN-1234567 and mrn-7654321x", "h12-34567 H99-00000", "zz123456 ZZ12345", "ABC1234567 abc123456789 XYZ12345",
        "acct # 12345678, account 98765432109", "see A1234567 and B12345678", "aaab ab b", "abcd abc", "color colour colr",
        "foo bar", "foobar", "12-34 !!", "sarah@example.com x@y.com", "abcd abcdd ac", "abc-de xyz-uv", "555-1234 555.9876",
        "xxy xy xxxxy", "Q123 Q12", "12-34-56", "abc", "abc bbb", "a-b-c d", "1234 12345 124", "z kkz kkkz",
    ]

    @Test(arguments: patterns)
    func findsWhatICUFinds(_ pattern: String) throws {
        let matcher = PatternMatcher(try PatternProgram.compile(pattern))
        let icu = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        for text in Self.texts {
            let ours = matcher.matches(in: Array(text.unicodeScalars)).map { [$0.start, $0.end] }
            let theirs = icu.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)).map { [$0.range.location, $0.range.location + $0.range.length] }
            #expect(ours == theirs, "\(pattern) on \(text)")
        }
    }

    /// Patterns that make a backtracking engine take exponential time visit at most (text + 1) ×
    /// program states per search here.
    @Test(arguments: ["(a*)*b", "(a|a)*b", "(a+)+$", "(a|aa)+c", "(.*a){12}", "((a*)*)*b"])
    func catastrophicPatternsStayLinear(_ pattern: String) throws {
        let program = try PatternProgram.compile(pattern)
        let text = Array(String(repeating: "a", count: 2_000).unicodeScalars) + ["!"]
        let (_, states, exhausted, _) = PatternMatcher(program).run(text)
        #expect(states <= (text.count + 1) * program.instructions.count * 2 && !exhausted, "\(pattern): \(states) states")
    }

    /// Finding every match of `a*b|a` in a long run of a's would repeat the run at every match:
    /// the budget stops it at a linear number of states, keeping the matches found so far.
    @Test func findingEveryMatchHasALinearBudget() throws {
        let matcher = PatternMatcher(try PatternProgram.compile("a*b|a"))
        let text = Array(String(repeating: "a", count: 5_000).unicodeScalars)
        let budget = PatternMatcher.budgetPerState * (text.count + 1) * matcher.program.instructions.count
        let (matches, states, exhausted, _) = matcher.run(text, budget: budget)
        #expect(exhausted && states <= budget + (text.count + 1) * matcher.program.instructions.count)
        #expect(!matches.isEmpty && matches.allSatisfy { $0.end == $0.start + 1 })
        // An ordinary identifier pattern over a long text stays far inside it.
        let ordinary = PatternMatcher(try PatternProgram.compile(#"MRN-\d{7}"#))
        let note = Array(String(repeating: "MRN-1234567 and some words ", count: 500).unicodeScalars)
        let run = ordinary.run(note, budget: PatternMatcher.budgetPerState * (note.count + 1) * ordinary.program.instructions.count)
        #expect(!run.exhausted && run.matches.count == 500)
    }

    @Test(arguments: [
        (#"(a)\1"#, "back-reference"), ("(?=a)b", "lookaround"), ("(?<!a)b", "lookaround"), ("a++", "possessive"),
        ("(?>a)", "atomic"), ("(?i)a", "group option"), ("a{5,2}", "below its minimum"), ("a{5000}", "more than 1000"),
        ("(a", "unclosed"), ("a)", "unmatched"), ("[a", "unclosed"), ("*a", "nothing before"), (#"\p{L}"#, "escape"),
    ])
    func whatCannotRunInLinearTimeIsRefusedWithTheReason(_ pattern: String, _ reason: String) {
        let problem = PatternCompiler.problem(with: pattern)
        #expect(problem?.contains(reason) == true, "\(pattern): \(problem ?? "accepted")")
    }

    @Test func counterRepeatsAreBounded() {
        #expect(PatternCompiler.problem(with: #"(\d{1000}){1000}"#)?.contains("too large") == true)
        #expect(PatternCompiler.problem(with: "a*") == "matches empty text")
        #expect(PatternCompiler.problem(with: #"MRN-\d{7}"#) == nil)
    }

    /// Spans are Unicode-scalar offsets, as every detection's are.
    @Test func offsetsAreScalarOffsets() throws {
        let matcher = PatternMatcher(try PatternProgram.compile(#"ID\d{3}"#))
        #expect(matcher.matches(in: Array("José 😀 id123".unicodeScalars)).map { [$0.start, $0.end] } == [[7, 12]])
    }
}

