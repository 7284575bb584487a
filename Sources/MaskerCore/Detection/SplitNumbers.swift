/// A number said across two texts. Voice platforms cut a turn when the caller pauses, so "my
/// number is four one five five five five" and "two six seven one" arrive as two user messages
/// (or two text parts): each half alone is too short to be a phone number, and both went to the
/// model in clear. When one text ends with a number (digits or number words) and the next starts
/// with one, the two are detected as one text and what crosses the seam is cut back into a span
/// of each.
public enum SplitNumbers {
    /// Whether a number may run from the end of `first` into the start of `second`: the last word
    /// of one and the first of the other are digits or number words.
    public static func mayJoin(_ first: String, _ second: String) -> Bool {
        endsWithNumber(first) && startsWithNumber(second)
    }

    /// Whether the text's last word is digits or a number word (so the next text may go on with it).
    public static func endsWithNumber(_ text: String) -> Bool {
        edgeWord(text, atEnd: true).map(isNumeric) ?? false
    }

    public static func startsWithNumber(_ text: String) -> Bool {
        edgeWord(text, atEnd: false).map(isNumeric) ?? false
    }

    /// What crosses the seam when the two are read as one ("first second"), as spans of each.
    public static func crossing(_ first: String, _ second: String,
                                detect: (String) -> [Detection]) -> (first: [Detection], second: [Detection]) {
        let firstLength = first.unicodeScalars.count
        let secondStart = firstLength + 1
        var inFirst: [Detection] = [], inSecond: [Detection] = []
        for detection in detect(first + " " + second) where detection.start < firstLength && detection.end > secondStart {
            var head = detection
            head.end = trimmedEnd(first, from: firstLength)
            var tail = detection
            tail.start = trimmedStart(second)
            tail.end = detection.end - secondStart
            if head.end > head.start {
                head.text = ScalarSlices.slices(of: first, [(head.start, head.end)])[0]
                inFirst.append(head)
            }
            if tail.end > tail.start {
                tail.text = ScalarSlices.slices(of: second, [(tail.start, tail.end)])[0]
                inSecond.append(tail)
            }
        }
        return (inFirst, inSecond)
    }

    /// `existing` with `added` in, each added span replacing whatever it overlaps.
    public static func merge(_ existing: [Detection], _ added: [Detection]) -> [Detection] {
        guard !added.isEmpty else { return existing }
        let kept = existing.filter { old in !added.contains { $0.start < old.end && $0.end > old.start } }
        return (kept + added).sorted { $0.start < $1.start }
    }

    /// The first or last run of letters and digits, lower case; nil when there is none. Walks
    /// the scalars from that end only: every message of every proxied turn is asked.
    static func edgeWord(_ text: String, atEnd: Bool) -> String? {
        let scalars = text.unicodeScalars
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? (scalar.value | 0x20 >= 97 && scalar.value | 0x20 <= 122) || (scalar.value >= 48 && scalar.value <= 57)
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
        var word = String.UnicodeScalarView()
        if atEnd {
            var index = scalars.endIndex
            while index > scalars.startIndex {
                let previous = scalars.index(before: index)
                let scalar = scalars[previous]
                if isWordScalar(scalar) { break }
                // A sentence that ended ("…five five five.") ends its number too.
                if scalar == "." || scalar == "?" || scalar == "!" { return nil }
                index = previous
            }
            var start = index
            while start > scalars.startIndex, isWordScalar(scalars[scalars.index(before: start)]), word.count < 32 {
                start = scalars.index(before: start)
                word.append(scalars[start])
            }
            guard !word.isEmpty else { return nil }
            return String(String.UnicodeScalarView(word.reversed())).lowercased()
        }
        var index = scalars.startIndex
        while index < scalars.endIndex, !isWordScalar(scalars[index]) { index = scalars.index(after: index) }
        while index < scalars.endIndex, isWordScalar(scalars[index]), word.count < 32 {
            word.append(scalars[index])
            index = scalars.index(after: index)
        }
        return word.isEmpty ? nil : String(word).lowercased()
    }

    static func isNumeric(_ word: String) -> Bool {
        if word.unicodeScalars.allSatisfy({ $0.properties.numericType != nil }) { return true }
        return NumberWords.units[word] != nil || NumberWords.teens[word] != nil || NumberWords.tens[word] != nil
            || NumberWords.repeaters[word] != nil || word == "oh" || word == "o"
    }

    private static func trimmedEnd(_ text: String, from end: Int) -> Int {
        let scalars = Array(text.unicodeScalars)
        var end = min(end, scalars.count)
        while end > 0, scalars[end - 1].properties.isWhitespace || scalars[end - 1] == "," { end -= 1 }
        return end
    }

    private static func trimmedStart(_ text: String) -> Int {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        while start < scalars.count, scalars[start].properties.isWhitespace || scalars[start] == "," { start += 1 }
        return start
    }
}
