/// The tagger's weight table, stored compactly: only its non-zero rows, eight lanes each (one per
/// tag, the rest zero), and for every feature slot the number of its row (0 is the all-zero row).
///
/// Why not the dense table: it has 2^18 slots × 5 tags = 5 MB of floats (20 MB at the 2^20 slots
/// this was measured with), of which the shipped model uses about 39,000 rows. Here the table is
/// a 2-byte row number per slot (512 KB) and 1.2 MB of rows. A row is one `SIMD8<Float>`, so
/// adding it is one vector add, and each lane still adds the same floats in the same order as
/// the dense loop did: tags and margins are bit for bit the same. Measured on
/// `bench/corpus/notes.jsonl` (gemma pass, MB/s, 2^20 slots): dense 17.3, this 19.3. Two smaller
/// indexes of those 2^20 slots measured slower, because each lookup is then a longer chain of
/// dependent steps: a rank bitmap per 64 slots (256 KB; 14.2, the default x86-64 target has no
/// popcount instruction) and per 8 slots with a popcount table (512 KB; 16.7). Fewer slots
/// (`NERModel.defaultSlotBits`) shrink the plain index instead.
struct NERWeights: Sendable {
    /// Row numbers as narrow as the row count allows.
    enum RowIndex: Sendable {
        case narrow([UInt16])
        case wide([UInt32])
    }

    let slotCount: Int
    /// `rows[0]` is all zeros.
    let rows: [SIMD8<Float>]
    let index: RowIndex

    /// From a dense table of `slotCount × NERTag.count` floats, row-major by slot.
    init(dense: [Float], slotCount: Int) {
        precondition(NERTag.count <= 8 && dense.count == slotCount * NERTag.count)
        var sparse: [(slot: Int, weights: SIMD8<Float>)] = []
        for slot in 0..<slotCount {
            var row = SIMD8<Float>.zero
            for tag in 0..<NERTag.count { row[tag] = dense[slot * NERTag.count + tag] }
            if row != .zero { sparse.append((slot, row)) }
        }
        self.init(slotCount: slotCount, sparse: sparse)
    }

    /// From sparse rows (the model file's form): `(slot, one weight per tag)`; a slot given twice
    /// keeps its last row.
    init(slotCount: Int, sparse: [(slot: Int, weights: SIMD8<Float>)]) {
        var rows: [SIMD8<Float>] = [.zero]
        var numbers = [UInt32](repeating: 0, count: slotCount)
        for (slot, row) in sparse {
            if numbers[slot] != 0 { rows[Int(numbers[slot])] = row; continue }
            guard row != .zero else { continue }
            numbers[slot] = UInt32(rows.count)
            rows.append(row)
        }
        self.slotCount = slotCount
        self.rows = rows
        index = rows.count <= Int(UInt16.max) + 1 ? .narrow(numbers.map { UInt16($0) }) : .wide(numbers)
    }

    /// One slot's weights, lanes `0..<NERTag.count` (slow path: serialisation).
    func row(_ slot: Int) -> SIMD8<Float> {
        switch index {
        case .narrow(let numbers): return rows[Int(numbers[slot])]
        case .wide(let numbers): return rows[Int(numbers[slot])]
        }
    }
}

/// A borrowed view of `NERWeights` for the length of one turn's tagging, generic over the index
/// width so the loop that adds every feature of every token reads two pointers, with no bounds
/// checks, reference counting or switch on the width.
struct RowLookup<Number: FixedWidthInteger & UnsignedInteger> {
    let rows: UnsafeBufferPointer<SIMD8<Float>>
    let numbers: UnsafeBufferPointer<Number>

    @inline(__always) subscript(_ slot: Int32) -> SIMD8<Float> { rows[Int(numbers[Int(slot)])] }
}
