import Testing

struct AddressRecognizerTests {
    @Test(arguments: [
        ("I live at 123 Main St, Seattle, WA 98101", "ADDRESS:123 Main St, Seattle, WA 98101"),
        ("4500 N. Martin Luther King Jr Blvd Apt 4B", "ADDRESS:4500 N. Martin Luther King Jr Blvd Apt 4B"),
        ("one two three main street", "ADDRESS:one two three main street"),
        ("12B Elm Court", "ADDRESS:12B Elm Court"),
        ("P.O. Box 4410", "ADDRESS:P.O. Box 4410"),
        ("post office box 12", "ADDRESS:post office box 12"),
        ("my zip code is 98101", "ADDRESS:98101"),
        ("zip nine eight one oh one", "ADDRESS:nine eight one oh one"),
        ("Tacoma, WA 98402-1234", "ADDRESS:Tacoma, WA 98402-1234"),  // the NER pass finds the city, the merge joins them
        ("47 Cedar Ave, Tacoma washington 98402", "ADDRESS:47 Cedar Ave, Tacoma washington 98402"),
        // Ohio written as its code is not a spoken zero ("oh"), so the ZIP after it is not lost.
        ("New address: 1106 Oak Blvd, Columbus, OH 43215", "ADDRESS:1106 Oak Blvd, Columbus, OH 43215"),
        // A secondary unit said alone.
        ("I'm in Apt. 4B now", "ADDRESS:Apt. 4B"),
        ("the office is Suite 512", "ADDRESS:Suite 512"),
        // Street type first, number last; one-word streets; US military mail.
        ("The bus station is on Via Pasquale Scura 127", "ADDRESS:Via Pasquale Scura 127"),
        ("35116 Rua Arapiraca 1943", "ADDRESS:Rua Arapiraca 1943"),
        ("030 ul. Zakrzowska 92", "ADDRESS:ul. Zakrzowska 92"),
        ("Calle de la Constitución 5", "ADDRESS:Calle de la Constitución 5"),
        ("083 Favoritenstrasse 36", "ADDRESS:083 Favoritenstrasse 36"),
        ("at Lumbyholmvej 46 today", "ADDRESS:Lumbyholmvej 46"),
        ("sent to 2774 Koepenicker Str. 38", "ADDRESS:2774 Koepenicker Str. 38"),
        ("it is PSC 2322, Box 6025\nAPO AA 88307", "ADDRESS:PSC 2322, Box 6025\nAPO AA 88307"),
        ("USCGC Carey\nFPO AA 73545", "ADDRESS:FPO AA 73545"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: [
        "take 2 tablets by mouth",
        "walked 3 blocks down the street",
        "I have 12345 steps",
        "room 4 of the clinic",
        "sent via email 2 times",          // "via" needs a capital
        "1 UNIT PRBC GIVEN",               // a unit of blood, no unit number
        "the Weg 12 is lowercase free",    // an ending alone is not a street name
    ])
    func ignores(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("ADDRESS:") }, "\(found(text))")
    }
}
