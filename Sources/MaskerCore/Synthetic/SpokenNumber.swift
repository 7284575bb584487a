/// Numbers said as words, for surrogates of dates and ages that were said as words: the original
/// said "april twelfth nineteen ninety", so the surrogate says "august thirtieth nineteen ninety one".
enum SpokenNumber {
    static let units = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    static let ordinalUnits = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                               "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
                               "nineteenth"]
    static let ordinalTens = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"]

    /// 0…999.
    static func cardinal(_ number: Int) -> String {
        if number >= 100 {
            let rest = number % 100
            return units[number / 100] + " hundred" + (rest == 0 ? "" : " " + cardinal(rest))
        }
        if number < 20 { return units[number] }
        return tens[number / 10] + (number % 10 == 0 ? "" : " " + units[number % 10])
    }

    /// 1…99.
    static func ordinal(_ number: Int) -> String {
        if number < 20 { return ordinalUnits[number] }
        return number % 10 == 0 ? ordinalTens[number / 10] : tens[number / 10] + " " + ordinalUnits[number % 10]
    }

    /// A year as people say it: "nineteen ninety one", "two thousand five", "twenty twenty four".
    static func year(_ year: Int) -> String {
        if (2000...2009).contains(year) { return "two thousand" + (year == 2000 ? "" : " " + units[year % 10]) }
        let century = year / 100, rest = year % 100
        let tail = rest == 0 ? " hundred" : (rest < 10 ? " oh " + units[rest] : " " + cardinal(rest))
        return cardinal(century) + tail
    }

    /// "1st", "22nd", "13th".
    static func writtenOrdinal(_ number: Int) -> String {
        let suffix: String
        if (11...13).contains(number % 100) { suffix = "th" } else {
            switch number % 10 {
            case 1: suffix = "st"
            case 2: suffix = "nd"
            case 3: suffix = "rd"
            default: suffix = "th"
            }
        }
        return "\(number)\(suffix)"
    }
}
