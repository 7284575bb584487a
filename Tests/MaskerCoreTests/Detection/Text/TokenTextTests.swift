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
