/// Numbers written with slashes and dashes that are measurements, not dates or phones: ventilator
/// settings ("CPAP 5/5", "PSV 10/5/35%"), blood pressure ("BP 128/82"), blood gases
/// ("ABG 7.38-42-88-26-1"), strength and pain scores ("5/5 strength", "pain 7/10"), doses ("1/2
/// tablet") and fractions ("3/4 of"). Clinical notes and EHR tool results are full of them, and a
/// voice agent reading a medication list or a flowsheet needs them intact.
///
/// The date and phone recognizers ask here before reporting a slashed or dashed number. Shapes that
/// carry their own evidence (a full year, a formatted phone) are not affected.
enum ClinicalNotation {
    /// Words that come just before a setting, a vital sign or a score.
    static let measuredBefore = ContextPhrases([
        "cpap", "peep", "psv", "ps", "bipap", "simv", "ac", "prvc", "vent", "ventilator", "settings", "fio2", "ipap", "epap",
        "bp", "blood pressure", "sbp", "nbp", "abp", "art line", "abg", "vbg", "gas", "gases", "pressure", "pressures",
        "strength", "motor", "power", "pain", "score", "scale", "murmur", "grade", "gcs", "apgar", "rated", "rate", "ratio",
        "i:e", "tv", "rr", "hr", "map", "cvp", "pap", "pcwp", "o2", "sats", "spo2", "out of",
    ])
    /// Words (or symbols) that come just after a measurement.
    static let measuredAfter: WordSet = [
        "%", "tablet", "tablets", "tab", "tabs", "pill", "pills", "cup", "cups", "dose", "doses", "teaspoon", "tsp",
        "tablespoon", "tbsp", "inch", "inches", "mg", "mcg", "ml", "cc", "units", "unit", "strength", "murmur", "of",
        "mmhg", "mm", "cm", "kg", "lb", "lbs", "bilaterally", "bilat", "throughout", "power", "motor", "scale", "score",
        "ratio", "split", "mile", "miles", "hour", "hours", "hrs", "hr", "min", "mins", "times", "x", "pain",
    ]

    /// Whether the number spanning tokens `first...last` is written as a measurement: a
    /// measurement word within two words before it, or a unit or `%` right after it.
    static func isMeasurement(_ tokens: [Token], first: Int, last: Int) -> Bool {
        if measuredBefore.precedes(tokens, first, window: 2) { return true }
        let next = last + 1
        guard next < tokens.count else { return false }
        return measuredAfter.contains(tokens[next].text)
    }

    /// `a/b` read as a fraction or a score rather than a month and day: a proper fraction of small
    /// numbers (1/2, 3/4, 2/3) or something out of 10 ("improved to 3/10"). Date context still
    /// makes either a date ("line placed 2/10").
    static func isFractionLike(_ a: Int, _ b: Int) -> Bool { (a < b && b <= 8) || b == 10 }
}
