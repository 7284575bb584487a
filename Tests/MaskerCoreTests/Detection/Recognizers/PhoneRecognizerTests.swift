import Testing

struct PhoneRecognizerTests {
    @Test(arguments: [
        ("call me at (415) 555-2671 please", "PHONE:(415) 555-2671"),
        ("it's 415-555-2671", "PHONE:415-555-2671"),
        ("415.555.2671", "PHONE:415.555.2671"),
        ("+1 415 555 2671", "PHONE:+1 415 555 2671"),
        ("1-800-555-0199", "PHONE:1-800-555-0199"),
        ("my number is 4155552671", "PHONE:4155552671"),
        ("four one five, five five five, two six seven one", "PHONE:four one five, five five five, two six seven one"),
        ("my number is four one five five five five two six seven one", "PHONE:four one five five five five two six seven one"),
        ("four one five uh five five five two six seven one", "PHONE:four one five uh five five five two six seven one"),
        ("415 five five five 2671", "PHONE:415 five five five 2671"),
        ("four one five, double five five, two six seven one", "PHONE:four one five, double five five, two six seven one"),
        ("reach me at 415-555-2671 ext 204", "PHONE:415-555-2671 ext 204"),
        ("call +44 20 7946 0958", "PHONE:+44 20 7946 0958"),
        ("fax it to (206) 555-0199", "FAX:(206) 555-0199"),
        ("our fax number is four one five five five five one two three four", "FAX:four one five five five five one two three four"),
        ("my cell is 555-2671", "PHONE:555-2671"),
        ("phone 650-752-7354x549", "PHONE:650-752-7354x549"),
        ("+41 (0)27 240 04 99", "PHONE:+41 (0)27 240 04 99"),
        ("(894)134-3524", "PHONE:(894)134-3524"),             // exchange 1xx: not dialable, still written as a phone
        ("07700 316 475", "PHONE:07700 316 475"),             // UK national format
        ("05.06.52.16.25", "PHONE:05.06.52.16.25"),           // French national format
        ("call me on zero six eight two two three seven seven four five i have questions",
         "PHONE:zero six eight two two three seven seven four five"),
        ("Zip 02139 617-555-0187 is my cell", "PHONE:617-555-0187"),  // a ZIP code, then a phone
        ("My number is212-555-0187 ok", "PHONE:212-555-0187"),         // glued to the word before
        ("Leave messages to 734 1180 please", "PHONE:734 1180"),
        ("You can call 42 17 88 any time", "PHONE:42 17 88"),          // a six-digit local number after a cue
        ("Pager 45821 after hours", "PHONE:45821"),
        ("page me at # 52117", "PHONE:52117"),
        ("beeper number 3017", "PHONE:3017"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: [
        "take 2 tablets 3 times a day",
        "blood pressure 120 over 80",
        "my area code is 1234567890 no", // starts with 1: not NANP
        "the year 2024 and 2025",
        "the count was 0123456789",
        "account number 000123456789",    // "number" alone does not make a phone
        "order 8240084271 shipped",        // ten bare digits that are not a NANP number
        "ABG 7.38-42-88-26-1 on 40%",     // a blood gas
        "gas 7.41-38-92-24-0",
        "BP 415-555-2671 mmHg",           // a measurement, however shaped
        "the pager is broken",
        "page 45821 of the manual",
    ])
    func ignores(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("PHONE:") || $0.hasPrefix("FAX:") }, "\(found(text))")
    }
}
