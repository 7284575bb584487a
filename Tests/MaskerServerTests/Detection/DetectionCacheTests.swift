import Foundation
import MaskerCore
@testable import MaskerServer
import MaskerTestSupport
import Testing

/// The proxy's cache of detections: a text seen before is answered from it, exactly as the
/// pipeline would answer, and only for the pipeline that found it.
struct DetectionCacheTests {
    static func devsetTexts() throws -> [String] {
        try Repository.text("data/devset/devset.jsonl").split(separator: "\n").compactMap {
            (try JSONParser.parse(String($0)))["text"]?.stringValue
        }
    }

    @Test func aCachedAnswerIsWhatThePipelineFinds() async throws {
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        let cache = DetectionCache()
        let detector = TurnDetector(endpoint: nil, cache: cache)
        // Multi-byte and astral characters before the spans: offsets are Unicode scalars.
        let texts = try Self.devsetTexts() + ["Søren Ødegård 🙂 called from 415-555-2671 about ssn 536-22-1234, dob 4/12/1990"]
        let first = try await detector.detect(texts, pipeline: pipeline)
        let stored = cache.count
        let second = try await detector.detect(texts, pipeline: pipeline)
        #expect(stored > 100)
        #expect(cache.count == stored) // every text was answered from the cache
        #expect(second.detections == first.detections)
        #expect(second.detections == texts.map { pipeline.detect($0) })
        #expect(second.detections.last?.contains { $0.text == "415-555-2671" } == true)
    }

    /// A reload builds a new pipeline: its turns are never answered with the old one's results,
    /// even when the policy's name and version stay the same.
    @Test func anotherPipelineIsNeverAnsweredFromTheCache() async throws {
        let cache = DetectionCache()
        let detector = TurnDetector(endpoint: nil, cache: cache)
        let text = "my ssn is 536-22-1234 and my email is sarah.chen@example.com"
        let before = DetectionPipeline(policy: .healthcareDefault)
        #expect(try await detector.detect([text], pipeline: before).detections[0].contains { $0.kind == .email })
        var policy = Policy.healthcareDefault
        policy.entities[.email]?.enabled = false
        let after = DetectionPipeline(policy: policy)
        #expect(before.identity != after.identity)
        let reloaded = try await detector.detect([text], pipeline: after).detections[0]
        #expect(!reloaded.contains { $0.kind == .email })
        #expect(reloaded.contains { $0.kind == .ssn })
        #expect(cache.count == 2)
    }

    @Test func theOldestEntryGoesOnceTheCacheIsFull() {
        let cache = DetectionCache(capacity: 2)
        let keys = ["a", "b", "c"].map { DetectionCache.key($0, pipeline: 1) }
        for key in keys { cache.store([], for: key) }
        #expect(cache.count == 2)
        #expect(cache.detections(for: keys[0], in: "a") == nil)
        #expect(cache.detections(for: keys[2], in: "c") == [])
    }
}
