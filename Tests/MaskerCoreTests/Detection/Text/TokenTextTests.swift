@testable import MaskerCore
import Testing

struct TokenTextTests {
    @Test func lowercasesAndComparesWithLiterals() {
        let text = TokenText("DoB")
        #expect(text == "dob")
        #expect(text != "do")
        #expect(text != "dobs")
        #expect(text.count == 3)
        #expect(text.string == "dob")
        #expect(TokenText("Émile") == TokenText("émile"))
    }

    @Test func equalityNeedsSameBytes() {
        #expect(TokenText("ab") == TokenText("ab"))
        #expect(TokenText("ab") != TokenText("ba"))
        #expect(TokenText("") == TokenText())
    }

    @Test func longTextKeepsAPrefixButStaysDistinct() {
        let base = String(repeating: "a", count: 40)
        let one = TokenText(base + "1"), two = TokenText(base + "2")
        #expect(one.isTruncated)
        #expect(one.count == 41)
        #expect(one.string == String(repeating: "a", count: TokenText.capacity))
        #expect(one != two) // the hash covers every byte
    }

    @Test(arguments: [("0", 0), ("42", 42), ("1990", 1990), ("000123", 123)])
    func integerValues(_ text: String, _ value: Int) {
        #expect(TokenText(text).integerValue == value)
        var built = TokenText()
        built.append(decimal: value)
        #expect(built.integerValue == value)
    }

    @Test func integerValueRejectsNonDigitsAndOverflow() {
        #expect(TokenText("12a").integerValue == nil)
        #expect(TokenText("").integerValue == nil)
        #expect(TokenText(String(repeating: "9", count: 19)).integerValue == nil)
        #expect(TokenText("04121990").integerValue(from: 2, length: 2) == 12)
        #expect(TokenText("0412").integerValue(from: 2, length: 4) == nil)
    }

    @Test func appendingJoinsTexts() {
        var joined = TokenText("415")
        joined.append(TokenText("555"))
        #expect(joined == TokenText("415555"))
        #expect(joined.hash == TokenText("415555").hash)
        #expect(TokenText("x204").isDigits(from: 1))
        #expect(!TokenText("x20a").isDigits(from: 1))
        #expect(TokenText("4155552671").dropping(first: 1) == TokenText("155552671"))
    }

    /// `hash` must not depend on how a text was built: the tokenizer loads whole 8-byte words,
    /// the normaliser appends, tables are built from Strings. A word cut by the tokenizer that
    /// hashed differently from the same word in a table would silently never be found.
    @Test(arguments: [1, 7, 8, 9, 16, 17, 31, 32, 33, 40, 70])
    func everyWayOfBuildingATextHashesAlike(_ length: Int) {
        let alphabet = Array("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
        let word = String((0..<length).map { alphabet[$0 % alphabet.count] })
        let fromString = TokenText(word)
        var byteByByte = TokenText()
        for byte in word.lowercased().utf8 { byteByByte.append(byte) }
        var inTwoParts = TokenText(String(word.prefix(length / 2)))
        inTwoParts.append(contentsOf: word.suffix(length - length / 2).lowercased().utf8)
        let tokens = Tokenizer.tokenize("said " + word + " then")
        #expect(tokens.count == 3)
        for other in [byteByByte, inTwoParts, tokens[1].text] {
            #expect(other == fromString)
            #expect(other.hash == fromString.hash)
        }
        if length <= TokenText.capacity { #expect(WordSet([word]).contains(tokens[1].text)) }
    }

    /// The NER model's features were trained on FNV-1a of the lowercase text; these are the
    /// published FNV-1a 64 test values.
    @Test func fnv1aIsTheStandardFunction() {
        #expect(TokenText("").fnv1a == 0xcbf2_9ce4_8422_2325)
        #expect(TokenText("a").fnv1a == 0xaf63_dc4c_8601_ec8c)
        #expect(TokenText("foobar").fnv1a == 0x8594_4171_f739_67e8)
    }

    /// The NER pass hashes four tokens side by side; each lane must stop at its own text's end.
    @Test func fourAtATimeMatchesOneAtATime() {
        let texts = ["", "a", "foobar", "medication", String(repeating: "z", count: 32), String(repeating: "q", count: 45), "7", "o'brien"]
            .map { TokenText($0) }
        for first in texts.indices {
            let four = (0..<4).map { texts[(first + $0 * 3) % texts.count] }
            let together = TokenText.fnv1a(four[0], four[1], four[2], four[3])
            for lane in 0..<4 { #expect(together[lane] == four[lane].fnv1a) }
        }
    }

    @Test func tablesFindEveryWordAndNothingElse() {
        let words = (0..<500).map { "word\($0)" }
        let table = WordTable(words.enumerated().map { ($1, $0) })
        for (index, word) in words.enumerated() { #expect(table[TokenText(word)] == index) }
        #expect(table[TokenText("word500")] == nil)
        #expect(table[TokenText("")] == nil)
        let set: WordSet = ["st", "street"]
        #expect(set.contains(TokenText("Street")))
        #expect(!set.contains(TokenText("str")))
    }

    @Test func tokenizerRemembersCapitals() {
        let tokens = Tokenizer.tokenize("May IN may")
        #expect(tokens.map(\.isCapitalized) == [true, true, false])
        #expect(tokens.map(\.isAllCapitals) == [false, true, false])
        #expect(tokens.allSatisfy { $0.text.string == $0.text.string.lowercased() })
    }
}
