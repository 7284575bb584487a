import Foundation

/// The embedded NER model: a greedy left-to-right tagger over the normalised tokens of a turn,
/// scoring BIO tags with a linear model on hashed features (an averaged perceptron; docs/ner.md
/// explains the choice and its figures).
///
/// Immutable once loaded and safe to share across threads. Tagging a turn allocates only its
/// feature-slot arrays.
public struct NERModel: Sendable {
    /// 2^18 feature slots: the row index (2 bytes a slot) is then 512 KB and fits the core's 1 MB
    /// L2 cache beside the hottest rows; at 2^20 it was 2 MB, and most lookups of a long text
    /// missed the L2 twice. The pass ran 18 % faster on `bench/corpus/notes.jsonl` (median of
    /// interleaved runs), with the same scores on the devset and F1 within half a point on the
    /// Presidio sets (docs/ner.md). The model has about 39,000 non-zero rows, so collisions stay
    /// rare; the training sees them too.
    public static let defaultSlotBits = 18

    let features: NERFeatures
    let table: NERWeights
    public let calibration: [EntityKind: NERCalibration]
    /// The rows of the two dynamic slots that depend on the previous tags alone (`previousTag`,
    /// 5 of them; `previousTwoTags`, 25, at `previous × count + beforePrevious`), looked up once.
    /// Why: decoding is a chain, each token's choice waiting on the one before, and each of these
    /// was a hash, an index load and a row load on that chain.
    let previousTagRows: [SIMD8<Float>]
    let previousTwoTagRows: [SIMD8<Float>]

    public var lexicon: NERLexicon { features.lexicon }
    public var slotBits: Int { features.slotCount.trailingZeroBitCount }

    init(features: NERFeatures, table: NERWeights, calibration: [EntityKind: NERCalibration]) {
        self.features = features
        self.table = table
        self.calibration = calibration
        let tags = NERTag.allCases
        previousTagRows = tags.map { table.row(Int(features.previousTagSlot($0))) }
        previousTwoTagRows = tags.flatMap { previous in
            tags.map { table.row(Int(features.previousTwoTagsSlot(previous, $0))) }
        }
    }

    /// From a dense table of `slotCount × NERTag.count` weights, row-major by slot (the trainer's).
    init(features: NERFeatures, weights: [Float], calibration: [EntityKind: NERCalibration]) {
        self.init(features: features, table: NERWeights(dense: weights, slotCount: features.slotCount), calibration: calibration)
    }

    /// A span the tagger found: token range (inclusive) and its raw score (the smallest margin by
    /// which a token's tag beat the next best tag).
    public struct Span: Sendable, Equatable {
        public var kind: EntityKind
        public var firstToken: Int
        public var lastToken: Int
        public var score: Float
    }

    public func tag(_ tokens: [Token]) -> [Span] { tag(tokens, slotsPerToken: 32) }

    /// `slotsPerToken`: the first guess at a turn's slot buffer (a token has about twenty); tests
    /// pass a small one to make the buffer grow.
    func tag(_ tokens: [Token], slotsPerToken: Int) -> [Span] {
        switch table.index {
        case .narrow(let numbers): return tag(tokens, numbers: numbers, slotsPerToken: slotsPerToken)
        case .wide(let numbers): return tag(tokens, numbers: numbers, slotsPerToken: slotsPerToken)
        }
    }

    private func tag<Number: FixedWidthInteger & UnsignedInteger>(_ tokens: [Token], numbers: [Number], slotsPerToken: Int) -> [Span] {
        table.rows.withUnsafeBufferPointer { rows in
            numbers.withUnsafeBufferPointer { numbers in
                let lookup = RowLookup(rows: rows, numbers: numbers)
                var sums = StaticScores(lookup: lookup, tokens: tokens.count, slotsPerToken: slotsPerToken)
                defer { sums.deallocate() }
                let hashes = NERFeatures.hashes(of: tokens)
                features.staticSlots(tokens, hashes: hashes, into: &sums)
                return decode(tokens, hashes: hashes, staticScores: sums.scores, lookup: lookup)
            }
        }
    }

    /// Each tag's score for one token from a dense table (the trainer's): the sum of its static
    /// slots' weights, then its dynamic ones'. `StaticScores` and `decode` add the same weights in
    /// the same order, so training and tagging make the same decisions.
    @inline(__always)
    static func score(_ staticSlots: ArraySlice<Int32>, _ dynamic: (Int32, Int32, Int32),
                      weights: UnsafeBufferPointer<Float>) -> SIMD8<Float> {
        var scores = SIMD8<Float>.zero
        @inline(__always) func add(_ slot: Int32) {
            let base = Int(slot) &* NERTag.count
            for t in 0..<NERTag.count { scores[t] += weights[base &+ t] }
        }
        for slot in staticSlots { add(slot) }
        add(dynamic.0)
        add(dynamic.1)
        add(dynamic.2)
        return scores
    }

    /// The best tag allowed after `previous`, and its margin over the runner-up. Shared with the
    /// trainer, so training and tagging make the same decisions.
    @inline(__always)
    static func choose(_ scores: SIMD8<Float>, after previous: NERTag) -> (NERTag, Float) {
        var best = NERTag.outside, bestScore = -Float.infinity, second = -Float.infinity
        for tag in NERTag.allCases where tag.allowed(after: previous) {
            let score = scores[tag.rawValue]
            if score > bestScore { second = bestScore; bestScore = score; best = tag } else if score > second { second = score }
        }
        return (best, bestScore - second)
    }

    /// Greedy left-to-right decoding into spans.
    private func decode<Number>(_ tokens: [Token], hashes: [UInt64], staticScores: [SIMD8<Float>], lookup: RowLookup<Number>) -> [Span] {
        var spans: [Span] = []
        var previous = NERTag.outside, beforePrevious = NERTag.outside
        var open: Span?
        for i in 0..<tokens.count {
            // The order of `NERModel.score`: previous tag, previous tag with this word, two tags.
            var scores = staticScores[i]
            scores += previousTagRows[previous.rawValue]
            scores += lookup[features.previousTagWordSlot(for: tokens[i], hash: hashes[i], previous: previous)]
            scores += previousTwoTagRows[previous.rawValue &* NERTag.count &+ beforePrevious.rawValue]
            let (best, margin) = NERModel.choose(scores, after: previous)
            if let kind = best.kind {
                if best.isInside, var span = open {
                    span.lastToken = i
                    span.score = min(span.score, margin)
                    open = span
                } else {
                    if let span = open { spans.append(span) }
                    open = Span(kind: kind, firstToken: i, lastToken: i, score: margin)
                }
            } else if let span = open {
                spans.append(span)
                open = nil
            }
            beforePrevious = previous
            previous = best
        }
        if let span = open { spans.append(span) }
        return spans
    }

    /// The calibrated confidence of a span (see `NERCalibration`).
    public func confidence(_ span: Span) -> Double {
        calibration[span.kind]?.confidence(span.score) ?? 0.5
    }
}

// MARK: - File format

/// `weights.bin`, little-endian:
///   "MSKNER01", UInt32 slot bits, UInt32 label-string length + the labels (`NERTag.fileLabels`),
///   UInt32 calibrated kinds, per kind: UInt32 name length + name, UInt32 bins, bins × (Float bound,
///   Float precision); Float scale; UInt32 rows; rows × (UInt32 slot, NERTag.count × Int16 weight).
/// Only rows with a non-zero weight are stored, as 16-bit integers times `scale`: the dense table
/// is 20 MB in memory, the file a fraction of that.
extension NERModel {
    static let magic = Array("MSKNER01".utf8)

    public enum FileError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case malformed(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read the NER weights \(path): \(reason)"
            case .malformed(let path, let reason):
                return "the NER weights \(path) are not a model this version reads (\(reason)); rebuild them with scripts/train-ner.sh"
            }
        }
    }

    public init(weightsAt url: URL, lexicon: NERLexicon) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FileError.unreadable(path: url.path, reason: String(describing: error))
        }
        try self.init(weights: data, lexicon: lexicon, path: url.path)
    }

    public init(weights data: Data, lexicon: NERLexicon, path: String = "weights") throws {
        let (bits, calibration, table) = try data.withUnsafeBytes { raw in
            try NERModel.parse(ByteReader(raw: raw), path: path)
        }
        self.init(features: NERFeatures(slotBits: bits, lexicon: lexicon), table: table, calibration: calibration)
    }

    private static func parse(_ start: ByteReader, path: String) throws -> (Int, [EntityKind: NERCalibration], NERWeights) {
        var reader = start
        func fail(_ reason: String) -> FileError { .malformed(path: path, reason: reason) }
        guard reader.bytes(8) == NERModel.magic else { throw fail("wrong magic") }
        guard let bits = reader.uint32(), (8...24).contains(bits) else { throw fail("bad slot bits") }
        guard let labelLength = reader.uint32(), let labels = reader.bytes(Int(labelLength)),
              String(decoding: labels, as: UTF8.self) == NERTag.fileLabels else { throw fail("different labels") }
        guard let kindCount = reader.uint32(), kindCount <= 8 else { throw fail("bad calibration") }
        var calibration: [EntityKind: NERCalibration] = [:]
        for _ in 0..<kindCount {
            guard let nameLength = reader.uint32(), let name = reader.bytes(Int(nameLength)),
                  let kind = EntityKind(rawValue: String(decoding: name, as: UTF8.self)),
                  let bins = reader.uint32(), bins <= 10_000 else { throw fail("bad calibration") }
            var bounds: [Float] = [], precisions: [Float] = []
            for _ in 0..<bins {
                guard let bound = reader.float(), let precision = reader.float() else { throw fail("truncated") }
                bounds.append(bound)
                precisions.append(precision)
            }
            calibration[kind] = NERCalibration(bounds: bounds, precisions: precisions)
        }
        guard let scale = reader.float(), let rows = reader.uint32() else { throw fail("truncated") }
        let slotCount = 1 << Int(bits)
        var sparse: [(slot: Int, weights: SIMD8<Float>)] = []
        for _ in 0..<rows {
            guard let slot = reader.uint32(), Int(slot) < slotCount else { throw fail("bad row") }
            var row = SIMD8<Float>.zero
            for t in 0..<NERTag.count {
                guard let value = reader.int16() else { throw fail("truncated") }
                row[t] = Float(value) * scale
            }
            sparse.append((Int(slot), row))
        }
        guard reader.atEnd else { throw fail("trailing bytes") }
        return (Int(bits), calibration, NERWeights(slotCount: slotCount, sparse: sparse))
    }

    public func serialized() -> Data {
        var out = Data(NERModel.magic)
        func put(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func put(_ value: Float) { put(value.bitPattern) }
        func put(_ value: Int16) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func put(_ string: String) { put(UInt32(string.utf8.count)); out.append(contentsOf: Array(string.utf8)) }
        put(UInt32(slotBits))
        put(NERTag.fileLabels)
        put(UInt32(calibration.count))
        for kind in calibration.keys.sorted() {
            let table = calibration[kind]!
            put(kind.rawValue)
            put(UInt32(table.bounds.count))
            for (bound, precision) in zip(table.bounds, table.precisions) { put(bound); put(precision) }
        }
        let largest = table.rows.reduce(Float(0)) { largest, row in
            (0..<NERTag.count).reduce(largest) { max($0, abs(row[$1])) }
        }
        let scale = largest > 0 ? largest / Float(Int16.max) : 1
        put(scale)
        var rows: [(UInt32, [Int16])] = []
        for slot in 0..<table.slotCount {
            let weights = table.row(slot)
            let row = (0..<NERTag.count).map { Int16((weights[$0] / scale).rounded()) }
            if row.contains(where: { $0 != 0 }) { rows.append((UInt32(slot), row)) }
        }
        put(UInt32(rows.count))
        for (slot, row) in rows {
            put(slot)
            for value in row { put(value) }
        }
        return out
    }
}

/// Bounds-checked little-endian reads: a damaged file is an error, never a crash.
private struct ByteReader {
    let raw: UnsafeRawBufferPointer
    var offset = 0

    var atEnd: Bool { offset == raw.count }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= raw.count else { return nil }
        defer { offset += count }
        return Array(raw[offset..<offset + count])
    }

    mutating func uint32() -> UInt32? {
        guard offset + 4 <= raw.count else { return nil }
        defer { offset += 4 }
        return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func int16() -> Int16? {
        guard offset + 2 <= raw.count else { return nil }
        defer { offset += 2 }
        return Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))
    }

    mutating func float() -> Float? { uint32().map(Float.init(bitPattern:)) }
}

/// The tagger's sink for static slots: each token's slots are kept as they arrive, and their
/// weights summed once the turn's last slot is in, in two tight loops (row numbers, then rows).
///
/// Why not add each weight as its slot arrives: the index is 512 KB and the rows 1.2 MB, so many
/// lookups miss the core's caches; interleaved with the hashing, only the few loads inside the
/// CPU's reorder window were in flight at once. Gathered in a loop of their own, dozens are
/// (gemma pass on `bench/corpus/notes.jsonl`: about a fifth faster).
///
/// A token sharing an earlier token's own slots (`NERFeatures.staticSlots`) starts from that
/// token's sum of them. Sums run from zero in `staticSlots` order, own slots first, as
/// `NERModel.score` adds them, so the scores are bit for bit the dense table's.
private struct StaticScores<Number: FixedWidthInteger & UnsignedInteger>: NERFeatureSink {
    let lookup: RowLookup<Number>
    var scores: [SIMD8<Float>] = []
    /// The turn's slots; `endTurn` replaces each with its row number, in place. A buffer of its
    /// own, freed by `deallocate`, rather than an array: `add` runs about twenty times a token,
    /// and an array's append checked uniqueness and capacity, and reloaded both, every time.
    private var slots: UnsafeMutablePointer<Int32>
    private var slotCapacity: Int
    private var slotCount = 0
    /// Per token: where its own slots start, where its context slots start, and which token's
    /// own sum it starts from (itself, or an earlier one).
    private var marks: [(start: Int32, context: Int32, owner: Int32)] = []
    private var shared = false

    var sharesOwnSlots: Bool { true }

    init(lookup: RowLookup<Number>, tokens: Int, slotsPerToken: Int) {
        self.lookup = lookup
        slotCapacity = max(tokens * slotsPerToken, 1)
        slots = .allocate(capacity: slotCapacity)
        marks.reserveCapacity(tokens)
    }

    func deallocate() { slots.deallocate() }

    @inline(__always) mutating func beginToken(sameOwnAs earlier: Int?) {
        if earlier != nil { shared = true }
        marks.append((Int32(slotCount), 0, Int32(earlier ?? marks.count)))
    }

    @inline(__always) mutating func beginContext() { marks[marks.count - 1].context = Int32(slotCount) }

    @inline(__always) mutating func add(_ slot: Int32) {
        if slotCount == slotCapacity { grow() }
        slots[slotCount] = slot
        slotCount &+= 1
    }

    @inline(never) private mutating func grow() {
        let larger = UnsafeMutablePointer<Int32>.allocate(capacity: slotCapacity * 2)
        larger.update(from: slots, count: slotCount)
        slots.deallocate()
        slots = larger
        slotCapacity *= 2
    }

    mutating func endTurn() {
        let count = slotCount, tokens = marks.count
        guard tokens > 0 else { return }
        let lookup = lookup
        for index in 0..<count { slots[index] = Int32(truncatingIfNeeded: lookup.numbers[Int(slots[index])]) }
        let numbers = UnsafeBufferPointer(start: slots, count: count)
        // Own sums are kept only for a turn in which some token shares one.
        var own = [SIMD8<Float>](repeating: .zero, count: shared ? tokens : 0)
        let marks = marks, shared = shared
        scores = [SIMD8<Float>](unsafeUninitializedCapacity: tokens) { scores, initialized in
            own.withUnsafeMutableBufferPointer { own in
                @inline(__always) func row(_ index: Int) -> SIMD8<Float> { lookup.rows[Int(UInt32(bitPattern: numbers[index]))] }
                for token in 0..<tokens {
                    let mark = marks[token]
                    let end = token + 1 < tokens ? Int(marks[token + 1].start) : count
                    var sum: SIMD8<Float>
                    if Int(mark.owner) == token {
                        sum = .zero
                        for index in Int(mark.start)..<Int(mark.context) { sum += row(index) }
                        if shared { own[token] = sum }
                    } else {
                        sum = own[Int(mark.owner)]
                    }
                    for index in Int(mark.context)..<end { sum += row(index) }
                    scores[token] = sum
                }
            }
            initialized = tokens
        }
    }
}
