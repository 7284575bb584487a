import MaskerCore
import Testing

struct SpokenFormNormalizerTests {
    /// Canonical tokens (lowercase) as one string: joined tokens without spaces, others with one.
    static func canonical(_ text: String) -> String {
        ScannedText(text).tokens.reduce(into: "") { output, token in
            if !output.isEmpty, token.spaceBefore { output += " " }
            output += token.text.string
        }
    }

    @Test(arguments: [
        ("four one five, five five five, two six seven one", "415, 555, 2671"),
        ("my number is four one five five five five two six seven one", "my number is 4155552671"),
        ("four one five uh five five five um two six seven one", "415 555 2671"),
        ("415 five five five 2671", "415 555 2671"),
        ("double five", "55"),
        ("nineteen ninety", "1990"),
        ("twenty twenty four", "2024"),
        ("nineteen oh five", "1905"),
        ("four hundred", "400"),
        ("four hundred and twelve", "412"),
        ("two thousand five", "2005"),
        ("two thousand and twelve", "2012"),
        ("five fifty five", "555"),
        ("twenty-one", "21"),
        ("oh I see", "oh i see"),
        ("four oh two", "402"),
        ("I have two kids", "i have 2 kids"),
    ])
    func numberWords(_ input: String, _ expected: String) {
        #expect(Self.canonical(input) == expected)
    }

    /// Recognisers write some digits as homophones; inside a run of spoken digits they are digits.
    @Test(arguments: [
        ("six one seven five five five zero one four to", "6175550142"),
        ("six one seven five five five zero one four to.", "6175550142."),
        ("six one seven five five five zero one four to my date of birth", "6175550142 my date of birth"),
        ("five to one", "5 to 1"),
        ("one two to one", "1221"),
        ("six one seven won two three four", "6171234"),
        ("four four ate five", "4485"),
        ("five five five one two one two to confirm", "5551212 to confirm"),
        ("one two for you", "12 for you"),
        ("I went to the store for two hours", "i went to the store for 2 hours"),
    ])
    func digitHomophones(_ input: String, _ expected: String) {
        #expect(Self.canonical(input) == expected)
    }

    @Test(arguments: [
        ("april twelfth nineteen ninety", "april 12 1990"),
        ("the twelfth of april", "the 12 of april"),
        ("march twenty first", "march 21"),
        ("july fourth's nineteen seventy two", "july 4 1972"),
        ("april 12th, 1990", "april 12, 1990"),
        ("first visit", "first visit"),
        ("wait a second", "wait a second"),
    ])
    func ordinals(_ input: String, _ expected: String) {
        #expect(Self.canonical(input) == expected)
    }

    @Test(arguments: [
        ("sarah dot chen at gmail dot com", "sarah.chen@gmail.com"),
        ("it's s m i t h at yahoo dot com", "it's smith@yahoo.com"),
        ("j underscore doe at example dot org", "j_doe@example.org"),
        ("go to example dot com slash portal", "go to example.com/portal"),
        ("w w w dot mayoclinic dot org", "www.mayoclinic.org"),
        ("look at example dot com", "look at example.com"),
        ("dot com", "dot com"),
        // Digits read out after the name part belong to it; after "is" they are the whole local part.
        ("mail robertcohen two at yahoo dot com", "mail robertcohen2@yahoo.com"),
        ("my email is two at yahoo dot com", "my email is 2@yahoo.com"),
    ])
    func spokenEmailsAndURLs(_ input: String, _ expected: String) {
        #expect(Self.canonical(input) == expected)
    }

    @Test(arguments: [
        ("c h e n", "chen"),
        ("that's c-h-e-n", "that's chen"),
        ("S as in Sam, M as in Mary, I T H", "smith"),
        ("S as in Sam, M as in Mary, T as in Tom", "smt"),
        ("it's k as in kilo l as in lima e as in echo", "it's kle"),
        ("a b one two three four", "ab1234"),
        ("a b", "a b"),
        ("I a m", "iam"),
        ("four five i have", "45 i have"),          // the pronoun after digits is not spelling
        ("a b c one two three a day", "abc123 a day"),
        ("x j h four one one three oh and", "xjh41130 and"),
    ])
    func spelling(_ input: String, _ expected: String) {
        #expect(Self.canonical(input) == expected)
    }

    /// A line is a field or an address line: nothing spoken runs on across one. (Canonical text
    /// puts one space where the line broke.)
    @Test(arguments: [
        ("three five one seven two\nseven three four seven four six three four five nine", "35172 7347463459"),
        ("four one five uh\nfive five five", "415 uh 555"),
        ("c h e n\nd a v i s", "chen davis"),
        ("c-h-e-n\r\nd-a-v-i-s", "chen davis"),
        ("april twenty\nfirst floor", "april 20 1 floor"),
        ("three five one\tseven two", "35172"),
    ])
    func nothingRunsOnAcrossALineBreak(_ input: String, _ expected: String) {
        #expect(Self.canonical(input) == expected)
    }

    @Test func spansStayOnTheOriginalWords() {
        let text = "call four one five, five five five"
        let scanned = ScannedText(text)
        let numbers = scanned.tokens.filter(\.isNumber)
        #expect(numbers.map { scanned.text($0.start, $0.end) } == ["four one five", "five five five"])
        #expect(numbers.allSatisfy { $0.spoken })
    }

    @Test func offsetsAreUnicodeScalarOffsets() {
        let text = "José 🙂 four one five"
        let scanned = ScannedText(text)
        let number = scanned.tokens.first(where: \.isNumber)!
        #expect(number.start == 7)
        #expect(scanned.text(number.start, number.end) == "four one five")
    }
}
