/// One labelled span of a gold file.
public struct GoldSpan: Sendable, Equatable, Decodable {
    public var kind: EntityKind
    public var start: Int
    public var end: Int

    public init(kind: EntityKind, start: Int, end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}

/// Scores detections against gold spans (`masker eval`).
///
/// Matching rule: a detection and a gold span match when they have the same kind and overlap by at
/// least one character. Each gold span is matched at most once and so is each detection, so two
/// detections covering one gold span count one true and one false positive. Precision is matched
/// detections over detections, recall matched gold spans over gold spans, per kind and overall.
/// Separately, *leaked characters* counts the non-whitespace characters inside gold spans that no
/// detection of any kind covers: the PHI a reader of the masked text would still see.
public struct DetectionEvaluation: Sendable {
    public struct Counts: Sendable, Equatable {
        public var gold = 0
        public var predicted = 0
        public var truePositives = 0

        public init(gold: Int = 0, predicted: Int = 0, truePositives: Int = 0) {
            self.gold = gold
            self.predicted = predicted
            self.truePositives = truePositives
        }

        public var precision: Double { predicted == 0 ? (gold == 0 ? 1 : 0) : Double(truePositives) / Double(predicted) }
        public var recall: Double { gold == 0 ? 1 : Double(min(truePositives, gold)) / Double(gold) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    public private(set) var byKind: [EntityKind: Counts] = [:]
    public private(set) var lines = 0
    public private(set) var phiCharacters = 0
    public private(set) var leakedCharacters = 0

    public init() {}

    public var overall: Counts {
        byKind.values.reduce(into: Counts()) {
            $0.gold += $1.gold
            $0.predicted += $1.predicted
            $0.truePositives += $1.truePositives
        }
    }

    public var leakedShare: Double { phiCharacters == 0 ? 0 : Double(leakedCharacters) / Double(phiCharacters) }

    /// Adds one line: its text (for counting non-space characters), gold spans and detections.
    public mutating func add(text: String, gold: [GoldSpan], detections: [Detection]) {
        lines += 1
        var goldUsed = [Bool](repeating: false, count: gold.count)
        for span in gold { byKind[span.kind, default: Counts()].gold += 1 }
        for detection in detections {
            byKind[detection.kind, default: Counts()].predicted += 1
            if let match = gold.indices.first(where: { !goldUsed[$0] && gold[$0].kind == detection.kind
                && gold[$0].start < detection.end && detection.start < gold[$0].end }) {
                goldUsed[match] = true
                byKind[detection.kind, default: Counts()].truePositives += 1
            }
        }
        let scalars = Array(text.unicodeScalars)
        var covered = [Bool](repeating: false, count: scalars.count)
        for detection in detections {
            for index in max(0, detection.start)..<min(detection.end, scalars.count) { covered[index] = true }
        }
        var counted = [Bool](repeating: false, count: scalars.count) // overlapping gold spans count once
        for span in gold {
            for index in max(0, span.start)..<min(span.end, scalars.count) where !counted[index] && !scalars[index].properties.isWhitespace {
                counted[index] = true
                phiCharacters += 1
                if !covered[index] { leakedCharacters += 1 }
            }
        }
    }

    /// Per-kind rows in canonical order, then the overall figures, as JSON.
    public var report: JSONValue {
        func row(_ counts: Counts) -> [(String, JSONValue)] {
            [("gold", .int(counts.gold)), ("predicted", .int(counts.predicted)), ("true_positives", .int(counts.truePositives)),
             ("precision", .double(Self.rounded(counts.precision))), ("recall", .double(Self.rounded(counts.recall))),
             ("f1", .double(Self.rounded(counts.f1)))]
        }
        let kinds = byKind.keys.sorted().map { kind in JSONValue.object([("kind", .string(kind.rawValue))] + row(byKind[kind]!)) }
        return .object([
            ("lines", .int(lines)),
            ("kinds", .array(kinds)),
            ("overall", .object(row(overall))),
            ("phi_characters", .int(phiCharacters)),
            ("leaked_characters", .int(leakedCharacters)),
            ("leaked_share", .double(Self.rounded(leakedShare))),
        ])
    }

    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}
