import Foundation
import MaskerCore
import Testing

struct StreamingRehydratorTests {
    let scheme = ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": testKey]))

    func stream(_ text: String, cuts: [Int]) async -> (String, [RehydrationEvent]) {
        var streaming = StreamingRehydrator(rehydrator: Rehydrator(schemes: [scheme]))
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var start = 0
        for cut in cuts.sorted() where cut > start && cut < bytes.count {
            output += await streaming.feed(bytes[start..<cut])
            start = cut
        }
        output += await streaming.feed(bytes[start...])
        output += await streaming.finish()
        return (String(decoding: output, as: UTF8.self), streaming.events)
    }

    @Test func releasesPlainTextAtOnceAndHoldsOnlyAPossibleToken() async throws {
        let token = try await scheme.mint("415-555-2671", kind: .phone).description
        var streaming = StreamingRehydrator(rehydrator: Rehydrator(schemes: [scheme]))
        #expect(await String(decoding: streaming.feed(Array("Your number is ".utf8)), as: UTF8.self) == "Your number is ")
        #expect(await streaming.feed(Array(token.prefix(9).utf8)).isEmpty)          // "MSK1.PHON": held
        #expect(await streaming.feed(Array(token.dropFirst(9).utf8)).isEmpty)       // complete, but the body could go on
        #expect(await String(decoding: streaming.feed(Array(" ok".utf8)), as: UTF8.self) == "415-555-2671 ok")
        #expect(await streaming.finish().isEmpty)
        #expect(await String(decoding: streaming.feed(Array("Mary".utf8)), as: UTF8.self) == "Mary") // not a token start
    }

    @Test func aMultiByteCharacterSplitAcrossChunksIsHeldUntilWhole() async {
        var streaming = StreamingRehydrator(rehydrator: Rehydrator(schemes: [scheme]))
        let bytes = Array("é🙂".utf8)
        #expect(await streaming.feed(bytes[0..<1]).isEmpty)
        #expect(await String(decoding: streaming.feed(bytes[1..<3]), as: UTF8.self) == "é")
        #expect(await String(decoding: streaming.feed(bytes[3...]), as: UTF8.self) == "🙂")
    }

    @Test func aTokenCutOffByTheEndOfTheStreamFailsClosed() async throws {
        let token = try await scheme.mint("219-45-6789", kind: .ssn).description
        let (text, events) = await stream("SSN is " + String(token.prefix(20)), cuts: [5, 12])
        #expect(text == "SSN is [REDACTED:SSN]")
        // Cut inside the body the token is still token-shaped, and fails to authenticate.
        #expect(events.last?.outcome == .failed(.tampered))
        #expect(await stream("ends with MSK", cuts: [3]).0 == "ends with ") // not even a kind: dropped
    }

    /// Streamed output equals batch output for every masked line of the labelled sets, each cut
    /// into random chunks (fixed seed), including cuts inside tokens and multi-byte characters.
    @Test func randomChunkingsMatchTheBatchResult() async throws {
        struct Line: Decodable { var text: String }
        var policy = Policy.healthcareDefault
        policy.kid = "K"
        policy.entities[.ipAddress]?.action = .tokenize
        let pipeline = DetectionPipeline(policy: policy)
        let masker = Masker(policy: policy, scheme: scheme)
        let rehydrator = Rehydrator(schemes: [scheme])
        var generator = SplitMix64(state: 404)
        var checked = 0
        for file in ["data/devset/devset.jsonl", "data/external/presidio-written.jsonl", "data/external/presidio-spoken.jsonl"] {
            for raw in try Fixture.repositoryText(file).split(separator: "\n") {
                let text = try JSONDecoder().decode(Line.self, from: Data(raw.utf8)).text
                let masked = try await masker.mask(text, detections: pipeline.detect(text)).masked
                let batch = await rehydrator.rehydrate(masked).text
                let length = masked.utf8.count
                for _ in 0..<3 {
                    let cuts = (0..<Int.random(in: 0...12, using: &generator)).map { _ in Int.random(in: 0...max(length, 1), using: &generator) }
                    let (streamed, _) = await stream(masked, cuts: cuts)
                    #expect(streamed == batch, "\(file)")
                    checked += 1
                }
            }
        }
        #expect(checked > 3_000)
    }

    /// The AsyncSequence transform: a stream of byte chunks in, restored chunks out, the cut-off
    /// token at the end failing closed.
    @Test func anAsyncStreamOfChunksIsRehydratedAsItArrives() async throws {
        let token = try await scheme.mint("219-45-6789", kind: .ssn).description
        let answer = Array("Your SSN is \(token), right? And MSK1.SSN.K".utf8)
        let chunks = AsyncStream<[UInt8]> { continuation in
            for start in stride(from: 0, to: answer.count, by: 7) {
                continuation.yield(Array(answer[start..<min(start + 7, answer.count)]))
            }
            continuation.finish()
        }
        var output: [UInt8] = []
        var pieces = 0
        for try await piece in chunks.rehydrated(by: Rehydrator(schemes: [scheme])) {
            #expect(!piece.isEmpty)
            output += piece
            pieces += 1
        }
        #expect(String(decoding: output, as: UTF8.self) == "Your SSN is 219-45-6789, right? And [REDACTED:SSN]")
        #expect(pieces > 3) // released as it went, not all at the end
    }
}
