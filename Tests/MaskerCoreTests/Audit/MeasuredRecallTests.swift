import Foundation
import MaskerCore
import MaskerTestSupport
import Testing

/// Reports print MeasuredRecall as this release's recall; it must be what detection measures now.
struct MeasuredRecallTests {
    private struct GoldLine: Decodable {
        var text: String
        var spans: [GoldSpan]
    }

    @Test func theShippedDevsetFiguresAreCurrent() throws {
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        var evaluation = DetectionEvaluation()
        for line in try Repository.text("data/devset/devset.jsonl").split(separator: "\n") {
            let gold = try JSONDecoder().decode(GoldLine.self, from: Data(line.utf8))
            evaluation.add(text: gold.text, gold: gold.spans, detections: pipeline.detect(gold.text))
        }
        let shipped = try #require(MeasuredRecall.sets.first { $0.name == "devset" })
        for (kind, counts) in evaluation.byKind where counts.gold > 0 {
            #expect(shipped.counts[kind.rawValue] == MeasuredRecall.Counts(gold: counts.gold, found: min(counts.truePositives, counts.gold)),
                    "\(kind.rawValue): rerun scripts/measure-recall.py")
        }
    }
}
