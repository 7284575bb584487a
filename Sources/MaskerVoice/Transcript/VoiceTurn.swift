import MaskerCore

/// One speaker's words between pauses: a turn of the transcript. Its text is its words joined by
/// single spaces, and each word keeps its place in that text, so a span detected in the text
/// maps back to the words, and their times, that carry it.
public struct VoiceTurn: Sendable, Equatable {
    public var speaker: Speaker
    public var words: [RecognizedWord]
    public var text: String
    /// Each word's half-open Unicode-scalar range in `text`.
    public var wordRanges: [Range<Int>]

    public var start: Double { words.first?.start ?? 0 }
    public var end: Double { words.last?.end ?? 0 }

    public init(speaker: Speaker, words: [RecognizedWord]) {
        self.speaker = speaker
        self.words = words
        var text = "", ranges: [Range<Int>] = []
        var offset = 0
        for word in words {
            if !text.isEmpty { text += " "; offset += 1 }
            let length = word.text.unicodeScalars.count
            ranges.append(offset..<offset + length)
            text += word.text
            offset += length
        }
        self.text = text
        wordRanges = ranges
    }

    /// The audio time a text span covers: from the first word it touches to the last.
    public func audioRange(ofScalars span: Range<Int>) -> (start: Double, end: Double)? {
        let touched = wordRanges.indices.filter { wordRanges[$0].overlaps(span) }
        guard let first = touched.first, let last = touched.last else { return nil }
        return (words[first].start, words[last].end)
    }

    /// Words in time order grouped into turns: a new turn when the speaker changes, or after a
    /// pause of `pause` seconds or more.
    public static func turns(_ words: [SpokenWord], pause: Double = 1.0) -> [VoiceTurn] {
        var turns: [VoiceTurn] = []
        var current: [RecognizedWord] = []
        var speaker: Speaker?
        for spoken in words {
            if let speaker, spoken.speaker != speaker || spoken.word.start - (current.last?.end ?? spoken.word.start) >= pause {
                turns.append(VoiceTurn(speaker: speaker, words: current))
                current = []
            }
            speaker = spoken.speaker
            current.append(spoken.word)
        }
        if let speaker, !current.isEmpty { turns.append(VoiceTurn(speaker: speaker, words: current)) }
        return turns
    }
}
