@testable import MaskerCore
import Foundation
import MaskerTestSupport
import Testing

/// The ASCII fast path exists only for speed: it must cut exactly the tokens the general,
/// scalar-decoding path cuts, down to case shape, digit counts and spoken roles.
struct TokenizerTests {
    static let edgeCases = [
        "", " ", "a", "A", "7354x549", "7354X549", "x549", "549x", "12x34x56", "o'brien", "DON'T", "it's'", "'quote'",
        "Call (415) 555-2671 ext. 22", "MRN: AB-99812-X", "sarah.chen@gmail.com", "DOB 4/12/1990", "21st twenty-first",
        "\tline\none\r\n", String(repeating: "A1", count: 40), String(repeating: "9", count: 50) + "th", "I-95 NE",
    ]

    static func both(_ text: String) -> (fast: [Token], general: [Token], fastHandled: Bool) {
        var text = text
        return text.withUTF8 { bytes in
            var fast: [Token] = [], general: [Token] = []
            let handled = Tokenizer.tokenizeASCII(bytes, into: &fast)
            _ = Tokenizer.tokenizeDecoding(bytes, into: &general)
            return (fast, general, handled)
        }
    }

    @Test(arguments: edgeCases)
    func fastPathMatchesGeneralPath(_ text: String) {
        let result = Self.both(text)
        #expect(result.fastHandled)
        #expect(result.fast == result.general)
    }

    static func developmentSetTexts() throws -> [String] {
        try String(contentsOf: Repository.root.appendingPathComponent("data/devset/devset.jsonl"), encoding: .utf8)
            .split(separator: "\n")
            .compactMap { line in (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String }
    }

    @Test func fastPathMatchesGeneralPathOnTheWholeDevelopmentSet() throws {
        var checked = 0
        for text in try Self.developmentSetTexts() {
            let result = Self.both(text)
            guard result.fastHandled else { continue }
            #expect(result.fast == result.general, "\(text)")
            checked += 1
        }
        #expect(checked > 100)
    }

    /// `tokenize` first gives the fast path room for a token every four bytes and cuts again
    /// with more when text is denser; whatever the density and length, nothing may be lost.
    @Test(arguments: ["(", "a,", "12-", "x ", "hello "])
    func denseTextIsCutWhole(_ unit: String) {
        for repeats in [1, 3, 5, 17, 40, 200] {
            var text = String(repeating: unit, count: repeats)
            let tokens = Tokenizer.tokenize(text)
            let general = text.withUTF8 { bytes in
                var general: [Token] = []
                _ = Tokenizer.tokenizeDecoding(bytes, into: &general)
                return general
            }
            #expect(tokens == general, "\(repeats) × \(unit)")
            #expect(tokens.count >= repeats)
        }
    }

    /// Random text over the characters the fast path treats specially (apostrophes, x and X,
    /// digits, capitals, punctuation, every kind of space), at every length from 0 to 80, so
    /// words end at, inside and across its 8-byte loads and at the end of the buffer.
    @Test(arguments: ["one two\nthree\r\nfour\u{0C}five\tsix 7", "oné two\nthree\r\nfour\u{0C}five\tsix 7\u{2028}8"])
    func tokensKnowWhetherALineBrokeBeforeThem(_ text: String) {
        let tokens = Tokenizer.tokenize(text)
        #expect(tokens.map(\.lineBreakBefore) == [false, false, true, true, true, false, false] + (text.contains("\u{2028}") ? [true] : []))
        #expect(tokens.map(\.spaceBefore) == Array(repeating: true, count: tokens.count))
    }

    @Test func fastPathMatchesGeneralPathOnRandomText() {
        let alphabet = Array("aAbxXz09'' -.,()\t\n#@/".utf8)
        var random = SplitMix64(state: 2026)
        for length in 0...80 {
            for _ in 0..<40 {
                let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                let text = String(decoding: bytes, as: UTF8.self)
                let result = Self.both(text)
                #expect(result.fastHandled)
                #expect(result.fast == result.general, "\(text)")
                #expect(Tokenizer.tokenize(text) == result.general, "\(text)")
            }
        }
    }

    /// Seven recognizers and the digit-run finder walk `digitTokens` instead of every token, so a
    /// token with a digit left off it would go unseen by all of them.
    @Test func digitTokensListEveryTokenThatHoldsADigit() throws {
        let texts = try Self.developmentSetTexts()
        #expect(texts.count > 300)
        var listed = 0
        for text in texts {
            let scanned = ScannedText(text)
            let expected = scanned.tokens.indices.filter { scanned.tokens[$0].digitCount > 0 }.map(Int32.init)
            #expect(scanned.digitTokens == expected, "\(text)")
            listed += expected.count
        }
        #expect(listed > 300)
    }

    /// Where identifiers' introducing phrases start comes from the tokenizer's one probe per word
    /// for words it cut, and from a lookup in `ScannedText` for words the normaliser made: a
    /// spelled "m r n" and a non-ASCII turn must find the phrase as a plain one does.
    @Test(arguments: ["the mrn is 4827193", "the m r n is 4827193", "the M-R-N is 4827193", "Café: MRN 4827193"])
    func phraseStartsAreFoundHoweverTheWordWasMade(_ text: String) {
        let scanned = ScannedText(text)
        let starts = scanned.phraseStarts.filter { $0.lists & IntroducingPhrases.mrn.bit != 0 }
        #expect(starts.count == 1)
        #expect(starts.first.map { scanned.tokens[Int($0.index)].text } == TokenText("mrn"))
        #expect(DetectionPipeline(policy: .healthcareDefault).detect(text).contains { $0.kind == .mrn && $0.text == "4827193" })
    }

    @Test func nonASCIITextFallsBackToScalarOffsets() {
        var isASCII = true
        let tokens = Tokenizer.tokenize("café 415 555", isASCII: &isASCII)
        #expect(!isASCII)
        #expect(tokens.map(\.start) == [0, 5, 9])
        #expect(tokens.map(\.text.string) == ["café", "415", "555"])
    }
}
