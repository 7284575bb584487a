import Foundation

/// Trains `NERModel` weights: an averaged perceptron over the same features and greedy decoder
/// the model uses (Collins 2002; the tagger design of Honnibal's "A good POS tagger in about 200
/// lines of Python"). Deterministic for a given seed and input order. `masker ner train` drives it.
public struct NERTrainer {
    public struct Example: Sendable {
        public var tokens: [Token]
        public var tags: [NERTag]
        public var text: String
        public var gold: [GoldSpan]
    }

    let features: NERFeatures

    public init(lexicon: NERLexicon, slotBits: Int = NERModel.defaultSlotBits) {
        features = NERFeatures(slotBits: slotBits, lexicon: lexicon)
    }

    /// Tokens of a labelled line with one BIO tag each: a token inside a NAME or ADDRESS span gets
    /// that kind (B on the span's first token); other kinds are not the tagger's job.
    public static func example(text: String, spans: [GoldSpan]) -> Example {
        let tokens = ScannedText(text).tokens
        var tags = [NERTag](repeating: .outside, count: tokens.count)
        var spanOf = [Int](repeating: -1, count: tokens.count)
        for (index, span) in spans.enumerated() where span.kind == .name || span.kind == .address {
            for (i, token) in tokens.enumerated() where token.start < span.end && token.end > span.start && spanOf[i] < 0 {
                let continues = i > 0 && spanOf[i - 1] == index
                tags[i] = (continues ? NERTag.inside(span.kind) : NERTag.begin(span.kind))!
                spanOf[i] = index
            }
        }
        return Example(tokens: tokens, tags: tags, text: text, gold: spans)
    }

    /// Runs `epochs` passes over the examples (shuffled each pass) and returns the averaged weights,
    /// uncalibrated. `progress(epoch, token accuracy)` after each pass.
    public func train(_ examples: [Example], epochs: Int, seed: UInt64,
                      progress: (Int, Double) -> Void = { _, _ in }) -> NERModel {
        let tagCount = NERTag.count
        var weights = [Float](repeating: 0, count: features.slotCount * tagCount)
        var totals = [Double](repeating: 0, count: weights.count)
        var stamps = [Int32](repeating: 0, count: weights.count)
        var clock: Int32 = 1
        var order = Array(examples.indices)
        var random = SplitMix64(state: seed)
        var slots = SlotList()

        func update(_ slot: Int32, _ tag: NERTag, _ delta: Float) {
            let index = Int(slot) * tagCount + tag.rawValue
            totals[index] += Double(clock - stamps[index]) * Double(weights[index])
            stamps[index] = clock
            weights[index] += delta
        }

        for epoch in 1...epochs {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            var right = 0, seen = 0
            for index in order {
                let example = examples[index]
                slots.removeAll()
                let hashes = NERFeatures.hashes(of: example.tokens)
                features.staticSlots(example.tokens, hashes: hashes, into: &slots)
                var previous = NERTag.outside, beforePrevious = NERTag.outside
                for i in example.tokens.indices {
                    let own = slots[token: i]
                    let dynamic = features.dynamicSlots(for: example.tokens[i], hash: hashes[i], previous: previous,
                                                        beforePrevious: beforePrevious)
                    let scores = weights.withUnsafeBufferPointer { NERModel.score(own, dynamic, weights: $0) }
                    let (guess, _) = NERModel.choose(scores, after: previous)
                    let truth = example.tags[i]
                    if guess == truth { right += 1 } else {
                        for slot in own + [dynamic.0, dynamic.1, dynamic.2] {
                            update(slot, truth, 1)
                            update(slot, guess, -1)
                        }
                    }
                    seen += 1
                    clock += 1
                    beforePrevious = previous
                    previous = guess
                }
            }
            progress(epoch, seen == 0 ? 1 : Double(right) / Double(seen))
        }
        var averaged = [Float](repeating: 0, count: weights.count)
        for index in weights.indices {
            let total = totals[index] + Double(clock - stamps[index]) * Double(weights[index])
            averaged[index] = Float(total / Double(clock))
        }
        return NERModel(features: features, weights: averaged, calibration: [:])
    }

    /// The model with confidence tables fitted on held-out examples (see `NERCalibration`): each
    /// predicted span is right when a gold span of its kind overlaps it.
    public static func calibrate(_ model: NERModel, on examples: [Example]) -> NERModel {
        var samples: [EntityKind: [(score: Float, correct: Bool)]] = [:]
        for example in examples {
            for span in model.tag(example.tokens) {
                let start = example.tokens[span.firstToken].start, end = example.tokens[span.lastToken].end
                let correct = example.gold.contains { $0.kind == span.kind && $0.start < end && $0.end > start }
                samples[span.kind, default: []].append((span.score, correct))
            }
        }
        return NERModel(features: model.features, table: model.table,
                        calibration: samples.mapValues { NERCalibration.fit($0) })
    }
}
