import Testing

struct DateRecognizerTests {
    @Test(arguments: [
        ("seen on 4/12/1990", "DATE:4/12/1990"),
        ("on 04-12-90", "DATE:04-12-90"),
        ("admitted 1990-04-12", "DATE:1990-04-12"),
        ("on April 12, 1990", "DATE:April 12, 1990"),
        ("12 April 1990", "DATE:12 April 1990"),
        ("Apr 12th", "DATE:Apr 12th"),
        ("since April 1990", "DATE:April 1990"),
        ("appointment on 4/12", "DATE:4/12"),
        ("date of birth april twelfth nineteen ninety", "DOB:april twelfth nineteen ninety"),
        ("born on the twelfth of april", "DOB:twelfth of april"),
        ("DOB 02/29/2000", "DOB:02/29/2000"),
        ("my birthday is oh four one two nineteen ninety", "DOB:oh four one two nineteen ninety"),
        ("d o b march third two thousand and one", "DOB:march third two thousand and one"),
        ("until july of nineteen ninety three", "DATE:july of nineteen ninety three"),
        ("from september of ninety three", "DATE:september of ninety three"),
        ("on september first of nineteen ninety three", "DATE:september first of nineteen ninety three"),
        ("since Aug '08", "DATE:Aug '08"),
        ("my date of birth is may 25 1991", "DOB:may 25 1991"),
        // The day misheard by speech recognition, after a birth phrase: masked whole.
        ("my date of birth is march for the nineteen eighty", "DOB:march for the nineteen eighty"),
        ("born july to nineteen seventy two", "DOB:july to nineteen seventy two"),
        ("logged at 2024-03-15T14:30Z by the system", "DATE:2024-03-15T14:30Z"),
        ("event 2023-11-02T08:15:30+02:00 recorded", "DATE:2023-11-02T08:15:30+02:00"),
        ("at 2023-11-02T08:15:30.250Z", "DATE:2023-11-02T08:15:30.250Z"),
        ("seen on 5-May-2021 for", "DATE:5-May-2021"),
        ("visit 03.Jan.2024 done", "DATE:03.Jan.2024"),
        ("follow up 21-May", "DATE:21-May"),
        ("next visit May-21", "DATE:May-21"),
        ("billed Jan-2024", "DATE:Jan-2024"),
        ("card expires 05/21", "DATE:05/21"),
        ("started 5/2021 on it", "DATE:5/2021"),
        // Clinical shorthand: month and day alone, in a note.
        ("TRANSFER TO CCU 6/3 IF STABLE", "DATE:6/3"),
        ("1 UNIT PRBC GIVEN 11/27", "DATE:11/27"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: [
        "on 2/30/2020",           // February 30th
        "on 13/13/2020",          // no month 13
        "DOB 02/29/2001",         // not a leap year
        "born in 1990",           // a year alone is not PHI
        "take 1/2 tablet",        // a dose, no date context
        "you may 2 times",
        "march forward",
        "march for the 1980 olympics",    // a month, words and a year, with no birth phrase
        "version 1.2.3.4",
        // Settings, scores, doses and fractions written like dates (ClinicalNotation).
        "RESP: CPAP 5/5 FIO2 40%",
        "WEAN TO PSV 10/5/35% AS TOLERATED",
        "motor 5/5 throughout",
        "strength is 4/5 bilaterally",
        "pain is 7/10 today",
        "about 3/4 of the way",
        "BP 11/12 on the monitor",
        "take 1/2",
    ])
    func rejects(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("DATE:") || $0.hasPrefix("DOB:") }, "\(found(text))")
    }
}

struct AgeRecognizerTests {
    @Test(arguments: [
        ("a 92 year old woman", "AGE:92 year old"),
        ("she is 95-year-old", "AGE:95-year-old"),
        ("aged 91", "AGE:91"),
        ("I am ninety two years old", "AGE:ninety two years old"),
        ("my dad died at ninety one years of age", "AGE:ninety one years of age"),
        ("passed away at ninety two due to old age", "AGE:ninety two"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: ["a 76 year old man", "seventy six years old", "aged 89", "heart rate 95",
                      "I am not hundred percent sure", "I'm about one hundred ninety seven pounds"])
    func ignoresAgesUpTo89AndOtherNumbers(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("AGE:") }, "\(found(text))")
    }
}
