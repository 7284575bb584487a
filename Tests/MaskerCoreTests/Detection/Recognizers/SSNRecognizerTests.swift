import Testing

struct SSNRecognizerTests {
    @Test(arguments: [
        ("SSN 123-45-6788", "SSN:123-45-6788"),
        ("social is 219 45 6789", "SSN:219 45 6789"),
        ("my social security number is 219456789", "SSN:219456789"),
        ("social security one two three, four five, six seven eight eight", "SSN:one two three, four five, six seven eight eight"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: [
        "SSN 000-45-6789",  // area 000
        "SSN 666-45-6789",  // area 666
        "SSN 912-45-6789",  // 9xx
        "SSN 123-00-6789",  // group 00
        "SSN 123-45-0000",  // serial 0000
        "SSN 078-05-1120",  // voided (Woolworth's wallet card)
        "reference 219456789", // nine digits without SSN context
    ])
    func rejects(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("SSN:") }, "\(found(text))")
    }
}
