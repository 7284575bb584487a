/// A caller's bare answer to the agent's question: "Can you confirm your member id?" / "Yes, it is
/// W987654321." Alone, the answer has no context, and an identifier with no fixed shape (a member
/// id, an MRN, a policy number) is found only after its context phrase. Read again with the
/// question before it, the answer has the question's context; what is found in the answer is
/// kept, nothing in the question (the agent's line is read on its own, as always).
public enum AskedValues {
    /// At most this many scalars of the question are read: its phrase is near its end.
    static let questionLength = 160

    /// The question `line` ends with (its last sentence, ending with "?"), or nil when it asks none.
    public static func question(endingLine line: String) -> String? {
        let scalars = line.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        guard end > scalars.startIndex, scalars[scalars.index(before: end)] == "?" else { return nil }
        var start = scalars.index(before: end)
        var length = 1
        while start > scalars.startIndex, length < questionLength {
            let previous = scalars[scalars.index(before: start)]
            if previous == "." || previous == "!" || previous == "?" || previous == "\n" { break }
            start = scalars.index(before: start)
            length += 1
        }
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        let question = String(scalars[start..<end])
        return question.contains(where: \.isLetter) ? question : nil
    }

    /// At most this many scalars of the answer are read again (cut at a space): the question's
    /// phrase reaches only a few words into it, and a long message is not read twice.
    static let answerLength = 160

    /// The spans `detect` finds in `answer` when `question` is read before it, in the answer's
    /// own offsets.
    public static func answered(_ question: String, _ answer: String, detect: (String) -> [Detection]) -> [Detection] {
        let offset = question.unicodeScalars.count + 1
        let found = detect(question + " " + opening(of: answer)).filter { $0.start >= offset }
        guard !found.isEmpty else { return [] }
        let texts = ScalarSlices.slices(of: answer, found.map { ($0.start - offset, $0.end - offset) })
        return zip(found, texts).map { detection, text in
            var shifted = detection
            shifted.start -= offset
            shifted.end -= offset
            shifted.text = text
            return shifted
        }
    }

    /// The answer's first `answerLength` scalars, ending at a space so no word is cut in two (the
    /// whole answer when it is shorter, or has no space to end at).
    static func opening(of answer: String) -> Substring {
        let scalars = answer.unicodeScalars
        guard let limit = scalars.index(scalars.startIndex, offsetBy: answerLength, limitedBy: scalars.endIndex),
              limit < scalars.endIndex else { return answer[...] }
        var end = limit
        while end > scalars.startIndex, !scalars[end].properties.isWhitespace { end = scalars.index(before: end) }
        return end > scalars.startIndex ? answer[..<end] : answer[...]
    }
}
