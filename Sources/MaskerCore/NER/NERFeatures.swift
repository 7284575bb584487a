/// Turns the tokens of a turn into hashed feature slots for the tagger.
///
/// Every feature is a (template, value) pair hashed into one of `slotCount` rows of the weight
/// table (the hashing trick): no feature strings are built or stored, so a turn costs a few
/// multiplications per feature and no allocation but the slot array. Collisions are rare at 2^18
/// rows (`NERModel.defaultSlotBits`) and the training sees them too.
///
/// Features that depend on the previous tags (`dynamic`) are added during decoding; the rest are
/// computed once per token (`staticSlots`). Training and inference share this code, which is why
/// the trainer is in Swift rather than Python.
struct NERFeatures {
    /// Templates: the first input of each feature hash. Changing one requires retraining.
    enum Template: UInt64 {
        case bias = 1, word, previousWord, nextWord, secondPreviousWord, secondNextWord
        case previousBigram, nextBigram, leftContext, suffix, shape, previousShape, nextShape
        case lexicon, lexiconShape, previousLexicon, nextLexicon
        case previousTag, previousTagWord, previousTwoTags, spelled, turnStart, length, kind
        case lexiconContext, rightContext
    }

    /// How the turn as a whole is cased: capitals mean something only in mixed-case text.
    enum Register: UInt64 { case lowercase = 1, mixed, capitals }

    let slotCount: Int
    let lexicon: NERLexicon

    init(slotBits: Int, lexicon: NERLexicon) {
        slotCount = 1 << slotBits
        self.lexicon = lexicon
    }

    @inline(__always) func slot(_ template: Template, _ value: UInt64) -> Int32 {
        // splitmix64's finaliser: spreads (template, value) over the table.
        var z = value &+ template.rawValue &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int32(truncatingIfNeeded: Int(truncatingIfNeeded: z) & (slotCount - 1))
    }

    @inline(__always) static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { (a &* 0x100_0000_01B3) ^ (b &+ 0x9E37_79B9) }

    static func register(of tokens: [Token]) -> Register {
        var words = 0, capitalized = 0, allCapitals = 0
        for token in tokens where token.kind == .word && !token.spoken {
            words += 1
            if token.isCapitalized { capitalized += 1 }
            if token.isAllCapitals, token.length > 1 { allCapitals += 1 }
        }
        if capitalized == 0 { return .lowercase }
        if words >= 3, allCapitals * 10 >= words * 7 { return .capitals }
        return .mixed
    }

    /// A token's shape class: capitalised, all capitals, single capital, lowercase, letters with
    /// digits ("100CC", "7P", "Q6H": units and doses, never a name), number, or the punctuation
    /// character itself.
    @inline(__always) static func shape(_ token: Token) -> UInt64 {
        switch token.kind {
        case .number: return 1
        case .punct: return 100 &+ (token.text.fnv1a & 0xFFFF)
        case .word:
            if token.spoken { return 2 }
            if token.digitCount > 0 { return 8 }
            if token.isAllCapitals { return token.length == 1 ? 3 : 4 }
            if token.isCapitalized { return 5 }
            return 6
        }
    }

    static let boundary: UInt64 = 0xB0B0  // the word hash used beyond either end of the turn

    /// Each token's word identity for the features: FNV-1a of its text, which the weights were
    /// trained on (not `TokenText.hash`), computed once per turn for both kinds of slots.
    ///
    /// Four tokens at a time: FNV-1a is one multiply per byte, each waiting for the one before, so
    /// four interleaved chains cost about what one does. One token at a time, this took 5 % of
    /// the NER pass on 200-byte turns.
    static func hashes(of tokens: [Token]) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: tokens.count) { hashes, initialized in
            var index = 0
            while index + 4 <= tokens.count {
                let four = TokenText.fnv1a(tokens[index].text, tokens[index + 1].text, tokens[index + 2].text, tokens[index + 3].text)
                for lane in 0..<4 { hashes[index + lane] = four[lane] }
                index += 4
            }
            while index < tokens.count {
                hashes[index] = tokens[index].text.fnv1a
                index += 1
            }
            initialized = tokens.count
        }
    }

    /// The static slots of every token, in order, handed to `sink`: the trainer keeps them as a
    /// list (`SlotList`); the tagger adds each one's weights and keeps only the sums.
    ///
    /// Each token's slots come in two parts: its *own* (bias, kind, shape, and for a word its
    /// text, length, suffix and lexicon lists: nothing about its neighbours), then its context.
    /// A sink that `sharesOwnSlots` is told when a token's own slots are those of an earlier
    /// token of the turn (the same word, cased the same way) and is not sent them again: a long
    /// note says the same words over and over (seven tokens in ten of `bench/corpus/notes.jsonl`
    /// repeat an earlier one), and a word's own slots are about a third of its slots.
    /// - Parameter hashes: `NERFeatures.hashes(of: tokens)`, shared with `dynamicSlots`.
    func staticSlots<Sink: NERFeatureSink>(_ tokens: [Token], hashes: [UInt64], into sink: inout Sink) {
        let register = NERFeatures.register(of: tokens)
        let n = tokens.count
        // Filled through buffers, not subscripts: stores into three growing arrays kept a
        // uniqueness check per store in the loop, between the lexicon probes that should overlap.
        let words = [UInt64](unsafeUninitializedCapacity: n) { words, initialized in
            for i in 0..<n { words[i] = tokens[i].kind == .number ? 0x4E554D : hashes[i] }
            initialized = n
        }
        let lex = [UInt32](unsafeUninitializedCapacity: n) { lex, initialized in
            for i in 0..<n { lex[i] = tokens[i].kind == .word ? lexicon.lookup(tokens[i].text) : 0 }
            initialized = n
        }
        let shapes = [UInt64](unsafeUninitializedCapacity: n) { shapes, initialized in
            for i in 0..<n { shapes[i] = NERFeatures.shape(tokens[i]) &* 4 &+ register.rawValue }
            initialized = n
        }
        @inline(__always) func word(_ i: Int) -> UInt64 { i < 0 || i >= n ? NERFeatures.boundary : words[i] }
        @inline(__always) func shape(_ i: Int) -> UInt64 { i < 0 || i >= n ? 7 : shapes[i] }
        // What a token's own slots are made of; tokens equal in all of it have the same slots.
        @inline(__always) func sameOwn(_ a: Int, _ b: Int) -> Bool {
            guard tokens[a].kind == tokens[b].kind, shapes[a] == shapes[b] else { return false }
            guard tokens[a].kind == .word else { return true }
            return tokens[a].spoken == tokens[b].spoken && tokens[a].length == tokens[b].length && tokens[a].text == tokens[b].text
        }
        var memo = OwnSlotMemo(tokens: sink.sharesOwnSlots && n >= OwnSlotMemo.minimumTokens ? n : 0)
        for i in 0..<n {
            let token = tokens[i]
            let key = NERFeatures.combine(token.kind == .word ? words[i] : UInt64(token.kind.rawValue), shapes[i])
            let earlier = memo.earlier(than: i, key: key, same: sameOwn)
            sink.beginToken(sameOwnAs: earlier)
            if earlier == nil {
                sink.add(slot(.bias, 0))
                sink.add(slot(.kind, UInt64(token.kind.rawValue)))
                sink.add(slot(.shape, shape(i)))
                if token.kind == .word {
                    sink.add(slot(.word, words[i]))
                    sink.add(slot(.length, UInt64(min(token.length, 12)) &* 8 &+ (token.spoken ? 1 : 0)))
                    sink.add(slot(.suffix, token.text.withBytes { TokenText.fnv1a(of: $0.suffix(3)) }))
                    var set = lex[i]
                    if set == 0 { sink.add(slot(.lexicon, 0xDEAD)); sink.add(slot(.lexiconShape, shapes[i])) }
                    while set != 0 {
                        let bit = set.trailingZeroBitCount
                        set &= set - 1
                        let name = lexicon.featureHashes[bit]
                        sink.add(slot(.lexicon, name))
                        sink.add(slot(.lexiconShape, NERFeatures.combine(name, shapes[i])))
                    }
                }
            }
            sink.beginContext()
            sink.add(slot(.previousShape, NERFeatures.combine(shape(i - 1), shape(i))))
            sink.add(slot(.nextShape, NERFeatures.combine(shape(i), shape(i + 1))))
            sink.add(slot(.previousWord, word(i - 1)))
            sink.add(slot(.nextWord, word(i + 1)))
            sink.add(slot(.secondPreviousWord, word(i - 2)))
            sink.add(slot(.secondNextWord, word(i + 2)))
            sink.add(slot(.leftContext, NERFeatures.combine(word(i - 2), word(i - 1))))
            sink.add(slot(.rightContext, NERFeatures.combine(word(i + 1), word(i + 2))))
            if i == 0 || (tokens[i - 1].kind == .punct && (tokens[i - 1].text == "." || tokens[i - 1].text == "?"
                                                           || tokens[i - 1].text == "!" || tokens[i - 1].text == ":")) {
                sink.add(slot(.turnStart, register.rawValue))
            }
            guard token.kind == .word else { continue }
            sink.add(slot(.previousBigram, NERFeatures.combine(word(i - 1), words[i])))
            sink.add(slot(.nextBigram, NERFeatures.combine(words[i], word(i + 1))))
            if token.spoken { sink.add(slot(.spelled, word(i - 1))) }
            var set = lex[i]
            while set != 0 {
                let bit = set.trailingZeroBitCount
                set &= set - 1
                sink.add(slot(.lexiconContext, NERFeatures.combine(lexicon.featureHashes[bit], word(i - 1))))
            }
            if i > 0 { appendLexicon(lex[i - 1], .previousLexicon, &sink) }
            if i + 1 < n { appendLexicon(lex[i + 1], .nextLexicon, &sink) }
        }
        sink.endTurn()
    }

    @inline(__always) private func appendLexicon<Sink: NERFeatureSink>(_ lists: UInt32, _ template: Template, _ sink: inout Sink) {
        var set = lists
        while set != 0 {
            let bit = set.trailingZeroBitCount
            set &= set - 1
            sink.add(slot(template, lexicon.featureHashes[bit]))
        }
    }

    /// The slots that depend on the tags chosen for the two tokens before, in the order they are
    /// added.
    @inline(__always) func dynamicSlots(for token: Token, hash: UInt64, previous: NERTag, beforePrevious: NERTag) -> (Int32, Int32, Int32) {
        (previousTagSlot(previous), previousTagWordSlot(for: token, hash: hash, previous: previous),
         previousTwoTagsSlot(previous, beforePrevious))
    }

    @inline(__always) func previousTagSlot(_ previous: NERTag) -> Int32 { slot(.previousTag, UInt64(previous.rawValue)) }

    @inline(__always) func previousTagWordSlot(for token: Token, hash: UInt64, previous: NERTag) -> Int32 {
        slot(.previousTagWord, NERFeatures.combine(UInt64(previous.rawValue), token.kind == .word ? hash : 0))
    }

    @inline(__always) func previousTwoTagsSlot(_ previous: NERTag, _ beforePrevious: NERTag) -> Int32 {
        slot(.previousTwoTags, UInt64(previous.rawValue) &* 16 &+ UInt64(beforePrevious.rawValue))
    }
}

/// Receives a turn's static feature slots from `NERFeatures.staticSlots`, token by token: for
/// each, `beginToken`, its own slots (unless it shares an earlier token's), `beginContext`, its
/// context slots.
protocol NERFeatureSink {
    /// Whether a token whose own slots equal an earlier token's may be sent without them.
    var sharesOwnSlots: Bool { get }
    /// `sameOwnAs`: the earlier token whose own slots this one has (none are sent), or nil.
    mutating func beginToken(sameOwnAs earlier: Int?)
    mutating func beginContext()
    mutating func add(_ slot: Int32)
    mutating func endTurn()
}

/// Which earlier token of a turn has the same own slots as this one: an open-addressed table of
/// token indexes by a hash of what those slots are made of, confirmed by comparing the tokens.
struct OwnSlotMemo {
    /// Below this, a turn (a call's 200-byte turn has about 40 tokens) repeats too few words for
    /// the table to pay for itself.
    static let minimumTokens = 64

    private var keys: [UInt64]
    private var indexes: [Int32]
    private let mask: Int

    /// A table for a turn of `tokens` tokens; 0 for none (every token is its own).
    init(tokens: Int) {
        guard tokens > 0 else {
            keys = []
            indexes = []
            mask = -1
            return
        }
        let capacity = 1 << (Int.bitWidth - (tokens * 2 - 1).leadingZeroBitCount)
        keys = [UInt64](repeating: 0, count: capacity)
        indexes = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    /// The first earlier token with `key` for which `same` holds; otherwise records `index`
    /// under `key` and returns nil.
    @inline(__always) mutating func earlier(than index: Int, key: UInt64, same: (Int, Int) -> Bool) -> Int? {
        guard mask >= 0 else { return nil }
        var position = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
        while indexes[position] >= 0 {
            if keys[position] == key, same(Int(indexes[position]), index) { return Int(indexes[position]) }
            position = (position + 1) & mask
        }
        keys[position] = key
        indexes[position] = Int32(index)
        return nil
    }
}

/// Every slot of a turn kept, token by token (the trainer's form, which updates each slot's
/// weights).
struct SlotList: NERFeatureSink {
    private var slots: [Int32] = []
    private var offsets: [Int32] = []

    /// Token `index`'s slots.
    subscript(token index: Int) -> ArraySlice<Int32> { slots[Int(offsets[index])..<Int(offsets[index + 1])] }

    /// Empties the list for the next turn, keeping its storage.
    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
    }

    /// Training updates every slot of every token, so each token gets all of its own.
    var sharesOwnSlots: Bool { false }
    mutating func beginToken(sameOwnAs earlier: Int?) { offsets.append(Int32(slots.count)) }
    mutating func beginContext() {}
    mutating func add(_ slot: Int32) { slots.append(slot) }
    mutating func endTurn() { offsets.append(Int32(slots.count)) }
}
