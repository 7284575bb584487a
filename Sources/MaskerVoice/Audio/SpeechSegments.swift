import Foundation

/// Where a recording has speech: an energy detector over 20 ms frames, hand-written (no listed
/// package does voice activity detection, and this one needs no model). A frame is speech when
/// it is 12 dB above the recording's noise floor (its quietest tenth; but at most 10 dB under its
/// loudest tenth) and above −50 dBFS; pieces
/// closer than 300 ms join, each is padded by 150 ms, and a piece longer than 20 s is cut at its
/// quietest frame (so one utterance never grows without bound).
public enum SpeechSegments {
    static let frame = MonoAudio.sampleRate / 50
    static let joinGap = 15 // frames: 300 ms
    static let padding = 7 // frames: 140 ms
    static let longest = 1000 // frames: 20 s

    /// Sample ranges of the pieces, in order.
    public static func find(in audio: MonoAudio) -> [Range<Int>] {
        let levels = frameLevels(audio.samples[...])
        guard !levels.isEmpty else { return [] }
        let sorted = levels.sorted()
        let floor = sorted[levels.count / 10], loud = sorted[levels.count * 9 / 10]
        // Never above the loud frames themselves: a recording with no pause (speech over steady
        // noise) has its floor at the speech, and would otherwise have no speech at all, and so
        // nothing recognised, masked or redacted.
        let threshold = max(min(floor + 12, loud - 10), -50)
        var pieces: [Range<Int>] = [] // in frames
        var start: Int?
        var quiet = 0
        for (index, level) in levels.enumerated() {
            if level >= threshold {
                if start == nil { start = index }
                quiet = 0
            } else if let begun = start {
                quiet += 1
                if quiet > joinGap {
                    pieces.append(begun..<(index - quiet + 1))
                    start = nil
                    quiet = 0
                }
            }
        }
        if let begun = start { pieces.append(begun..<(levels.count - quiet)) }
        return pieces.flatMap { split($0, levels) }.map { piece in
            let first = max(0, piece.lowerBound - padding) * frame
            let last = min(levels.count, piece.upperBound + padding) * frame
            return first..<min(audio.samples.count, last)
        }
    }

    /// Each frame's level in dBFS.
    static func frameLevels(_ samples: ArraySlice<Int16>) -> [Double] {
        stride(from: samples.startIndex, to: samples.endIndex, by: frame).map { first in
            level(samples[first..<min(first + frame, samples.endIndex)])
        }
    }

    /// The RMS level of some samples in dBFS (−120 for none).
    static func level(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return -120 }
        var sum = 0.0
        for sample in samples { sum += Double(sample) * Double(sample) }
        return 20 * log10(max((sum / Double(samples.count)).squareRoot(), 1) / 32768)
    }

    /// A piece longer than `longest` frames, cut at its quietest frame until none is.
    private static func split(_ piece: Range<Int>, _ levels: [Double]) -> [Range<Int>] {
        guard piece.count > longest else { return [piece] }
        let middle = piece.lowerBound + piece.count / 4..<piece.upperBound - piece.count / 4
        let cut = middle.min { levels[$0] < levels[$1] } ?? piece.lowerBound + piece.count / 2
        return split(piece.lowerBound..<cut, levels) + split(cut..<piece.upperBound, levels)
    }
}
