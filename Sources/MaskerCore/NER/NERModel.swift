import Foundation

/// The embedded NER model: a greedy left-to-right tagger over the normalised tokens of a turn,
/// scoring BIO tags with a linear model on hashed features (an averaged perceptron; docs/ner.md
/// explains the choice and its figures).
///
/// Immutable once loaded and safe to share across threads. Tagging a turn allocates only its
/// feature-slot arrays.
public struct NERModel: Sendable {
    public static let defaultSlotBits = 20

    let features: NERFeatures
    /// `slotCount × NERTag.count` weights, row-major by slot.
    let weights: [Float]
    public let calibration: [EntityKind: NERCalibration]

    public var lexicon: NERLexicon { features.lexicon }
    public var slotBits: Int { features.slotCount.trailingZeroBitCount }

    init(features: NERFeatures, weights: [Float], calibration: [EntityKind: NERCalibration]) {
        self.features = features
        self.weights = weights
        self.calibration = calibration
    }

    /// A span the tagger found: token range (inclusive) and its raw score (the smallest margin by
    /// which a token's tag beat the next best tag).
    public struct Span: Sendable, Equatable {
        public var kind: EntityKind
        public var firstToken: Int
        public var lastToken: Int
        public var score: Float
    }

    public func tag(_ tokens: [Token]) -> [Span] {
        var slots: [Int32] = []
        var offsets: [Int32] = []
        slots.reserveCapacity(tokens.count * 32)
        offsets.reserveCapacity(tokens.count + 1)
        features.staticSlots(tokens, into: &slots, offsets: &offsets)
        return decode(tokens, slots: slots, offsets: offsets)
    }

    /// Each tag's score for one token: the sum of its static slots' weights, then its dynamic
    /// ones'. Shared with the trainer, so both add the same weights in the same order.
    @inline(__always)
    static func score(_ staticSlots: ArraySlice<Int32>, _ dynamic: (Int32, Int32, Int32),
                      weights: UnsafeBufferPointer<Float>, into scores: UnsafeMutableBufferPointer<Float>) {
        for t in 0..<NERTag.count { scores[t] = 0 }
        @inline(__always) func add(_ slot: Int32) {
            let base = Int(slot) &* NERTag.count
            for t in 0..<NERTag.count { scores[t] += weights[base &+ t] }
        }
        for slot in staticSlots { add(slot) }
        add(dynamic.0)
        add(dynamic.1)
        add(dynamic.2)
    }

    /// The best tag allowed after `previous`, and its margin over the runner-up. Shared with the
    /// trainer, so training and tagging make the same decisions.
    @inline(__always)
    static func choose(_ scores: UnsafeMutableBufferPointer<Float>, after previous: NERTag) -> (NERTag, Float) {
        var best = NERTag.outside, bestScore = -Float.infinity, second = -Float.infinity
        for tag in NERTag.allCases where tag.allowed(after: previous) {
            let score = scores[tag.rawValue]
            if score > bestScore { second = bestScore; bestScore = score; best = tag } else if score > second { second = score }
        }
        return (best, bestScore - second)
    }

    /// Greedy left-to-right decoding into spans.
    func decode(_ tokens: [Token], slots: [Int32], offsets: [Int32]) -> [Span] {
        var spans: [Span] = []
        var previous = NERTag.outside, beforePrevious = NERTag.outside
        var open: Span?
        withUnsafeTemporaryAllocation(of: Float.self, capacity: NERTag.count) { scores in
            weights.withUnsafeBufferPointer { w in
                for i in 0..<tokens.count {
                    let dynamic = features.dynamicSlots(for: tokens[i], previous: previous, beforePrevious: beforePrevious)
                    NERModel.score(slots[Int(offsets[i])..<Int(offsets[i + 1])], dynamic, weights: w, into: scores)
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
            }
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
        let (bits, calibration, weights) = try data.withUnsafeBytes { raw in
            try NERModel.parse(ByteReader(raw: raw), path: path)
        }
        self.init(features: NERFeatures(slotBits: bits, lexicon: lexicon), weights: weights, calibration: calibration)
    }

    private static func parse(_ start: ByteReader, path: String) throws -> (Int, [EntityKind: NERCalibration], [Float]) {
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
        var weights = [Float](repeating: 0, count: slotCount * NERTag.count)
        for _ in 0..<rows {
            guard let slot = reader.uint32(), Int(slot) < slotCount else { throw fail("bad row") }
            for t in 0..<NERTag.count {
                guard let value = reader.int16() else { throw fail("truncated") }
                weights[Int(slot) * NERTag.count + t] = Float(value) * scale
            }
        }
        guard reader.atEnd else { throw fail("trailing bytes") }
        return (Int(bits), calibration, weights)
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
        let largest = weights.reduce(Float(0)) { max($0, abs($1)) }
        let scale = largest > 0 ? largest / Float(Int16.max) : 1
        put(scale)
        var rows: [(UInt32, [Int16])] = []
        for slot in 0..<(weights.count / NERTag.count) {
            let row = (0..<NERTag.count).map { Int16((weights[slot * NERTag.count + $0] / scale).rounded()) }
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
