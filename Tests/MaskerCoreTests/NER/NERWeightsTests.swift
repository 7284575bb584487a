import Foundation
@testable import MaskerCore
import Testing

/// The compact weight table must give the tagger exactly what the dense table gave.
struct NERWeightsTests {
    @Test func rowsReadBackAsTheDenseTableHadThem() {
        let slotCount = 1 << 10
        var random = SplitMix64(state: 3)
        var dense = [Float](repeating: 0, count: slotCount * NERTag.count)
        for slot in 0..<slotCount where random.next() % 4 == 0 {
            for tag in 0..<NERTag.count { dense[slot * NERTag.count + tag] = Float(Int(random.next() % 2001) - 1000) / 97 }
        }
        let table = NERWeights(dense: dense, slotCount: slotCount)
        guard case .narrow = table.index else { Issue.record("a small table should use 2-byte row numbers"); return }
        for slot in 0..<slotCount {
            let row = table.row(slot)
            #expect((0..<NERTag.count).map { row[$0] } == Array(dense[(slot * NERTag.count)..<((slot + 1) * NERTag.count)]))
            #expect((NERTag.count..<8).allSatisfy { row[$0] == 0 })
        }
        #expect(table.rows.count < slotCount / 2)
    }

    @Test func moreRowsThanTwoByteNumbersHoldUseFourBytes() {
        let slotCount = 1 << 17
        let sparse = (0..<70_000).map { (slot: $0, weights: SIMD8<Float>(repeating: Float($0 % 1000 + 1))) }
        let table = NERWeights(slotCount: slotCount, sparse: sparse)
        guard case .wide = table.index else { Issue.record("70,000 rows need 4-byte row numbers"); return }
        #expect(table.row(69_999)[0] == 1000)
        #expect(table.row(65_536)[0] == Float(65_536 % 1000 + 1))
        #expect(table.row(100_000) == .zero)
    }

    @Test func taggingMatchesTheDenseScoringBitForBit() throws {
        let model = try NERModelTests().trainedToyModel()
        let dense = (0..<model.table.slotCount).flatMap { slot in (0..<NERTag.count).map { model.table.row(slot)[$0] } }
        // The last is long enough for tokens to share their own slots with earlier ones
        // (`OwnSlotMemo`): the same words, the same words capitalised, spelled, and numbers.
        let long = Array(repeating: "my name is quimby thanks, this is Sarah calling. MY NAME IS ZORBLAT thanks, this is s a r a h 415.", count: 6)
            .joined(separator: " ")
        for text in ["my name is plonkett thanks", "this is quimby calling about sarah chen", "see you monday", long] {
            let tokens = ScannedText(text).tokens
            if text == long { #expect(tokens.count >= OwnSlotMemo.minimumTokens) }
            // The trainer's way: every slot of a token listed, then scored against the dense table.
            var slots = SlotList()
            let hashes = NERFeatures.hashes(of: tokens)
            model.features.staticSlots(tokens, hashes: hashes, into: &slots)
            var previous = NERTag.outside, beforePrevious = NERTag.outside
            var expected: [(NERTag, Float)] = []
            for i in tokens.indices {
                let dynamic = model.features.dynamicSlots(for: tokens[i], hash: hashes[i], previous: previous, beforePrevious: beforePrevious)
                let scores = dense.withUnsafeBufferPointer {
                    NERModel.score(slots[token: i], dynamic, weights: $0)
                }
                let choice = NERModel.choose(scores, after: previous)
                expected.append(choice)
                beforePrevious = previous
                previous = choice.0
            }
            let spans = model.tag(tokens)
            if text == long { #expect(spans.count >= 6) } // margins to compare
            // A slot buffer that starts at one slot a token grows many times on the way.
            #expect(model.tag(tokens, slotsPerToken: 1) == spans, "\(text)")
            let tagged = expected.enumerated().filter { $0.element.0.kind != nil }.map(\.offset)
            #expect(spans.flatMap { Array($0.firstToken...$0.lastToken) } == tagged, "\(text)")
            for span in spans {
                #expect(span.score == (span.firstToken...span.lastToken).map { expected[$0].1 }.min(), "\(text)")
            }
        }
    }
}
