import Foundation

/// The gazetteers the embedded NER model reads: for each known word, which lists hold it (Census
/// first names and surnames by frequency band, US cities and counties, ordinary English words,
/// words frequent in clinical conversation, given names, surnames, cities and countries of the
/// world, drug names, clinical abbreviations). Built by `data/ner/build_ner_data.py`.
///
/// Stored as word hash → bit set rather than `WordTable`: 276 thousand words as `TokenText` keys
/// would cost some 100 MB, and the top 35 bits of `TokenText.hash` that an entry keeps do not
/// collide across a list this size (`EmbeddedNERTests` checks the shipped lexicon). Features are named by the list's name (`last:3`), not by the bit, so a rebuilt
/// lexicon with lists in another order still fits the trained weights.
public struct NERLexicon: Sendable {
    /// List names, indexed by bit.
    public let featureNames: [String]
    /// The feature hash each bit stands for (`NERFeatures.Template.lexicon` input).
    let featureHashes: [UInt64]
    /// Open addressing by the word hash's low bits. Each entry packs the hash's top 35 bits, an
    /// "occupied" bit and the word's lists (bits 0..<28): one 8-byte load per probe. Two arrays
    /// (hashes, then bit sets) were two cache misses per word (the 160 thousand words of session
    /// 17 spread over 6 MB); this is one miss, in 8 MB for today's 276 thousand. Two words differing only in their low 29 hash
    /// bits would look alike, one chance in 2^35 per probe.
    private let entries: [UInt64]
    private let mask: Int
    public let count: Int

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case malformed(path: String, line: Int, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read the NER lexicon \(path): \(reason)"
            case .malformed(let path, let line, let reason):
                return "the NER lexicon \(path) is malformed at line \(line): \(reason); rebuild it with scripts/train-ner.sh"
            }
        }
    }

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LoadError.unreadable(path: url.path, reason: String(describing: error))
        }
        try self.init(tsv: data, path: url.path)
    }

    /// Parses `word<TAB>feature feature…` lines; `#` starts a comment line.
    /// Hand-written byte loop: splitting 2.5 MB into `String`s would cost more than the rest of
    /// start-up together.
    public init(tsv data: Data, path: String = "lexicon") throws {
        var names: [String] = []
        var nameBits: [String: Int] = [:]
        var entries: [(UInt64, UInt32)] = []
        entries.reserveCapacity(200_000)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0, line = 0
            let end = bytes.count
            while index < end {
                line += 1
                var lineEnd = index
                while lineEnd < end, bytes[lineEnd] != 10 { lineEnd += 1 }
                defer { index = lineEnd + 1 }
                if lineEnd == index || bytes[index] == 35 { continue } // empty or '#'
                var tab = index
                while tab < lineEnd, bytes[tab] != 9 { tab += 1 }
                guard tab < lineEnd, tab > index else {
                    throw LoadError.malformed(path: path, line: line, reason: "expected word<TAB>features")
                }
                var word = TokenText()
                word.append(contentsOf: bytes[index..<tab].lazy.map(lowercased))
                var set: UInt32 = 0
                var cursor = tab + 1
                while cursor < lineEnd {
                    var stop = cursor
                    while stop < lineEnd, bytes[stop] != 32 { stop += 1 }
                    if stop > cursor {
                        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[cursor..<stop]), as: UTF8.self)
                        let bit: Int
                        if let known = nameBits[name] { bit = known } else {
                            guard names.count < NERLexicon.maximumLists else {
                                throw LoadError.malformed(path: path, line: line, reason: "more than \(NERLexicon.maximumLists) distinct features")
                            }
                            bit = names.count
                            nameBits[name] = bit
                            names.append(name)
                        }
                        set |= 1 << UInt32(bit)
                    }
                    cursor = stop + 1
                }
                entries.append((word.hash, set))
            }
        }
        var size = 16
        while size < entries.count * 2 { size *= 2 }
        var table = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for (hash, set) in entries {
            let tag = NERLexicon.tag(hash)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0, table[slot] & NERLexicon.tagMask != tag { slot = (slot + 1) & mask }
            table[slot] |= tag | UInt64(set)
        }
        self.entries = table
        self.mask = mask
        self.count = entries.count
        featureNames = names
        featureHashes = names.map { TokenText($0).fnv1a }
    }

    /// The lists holding this (lowercase) word, as a bit set over `featureNames`.
    @inline(__always) func lookup(_ text: TokenText) -> UInt32 {
        let hash = text.hash
        let tag = NERLexicon.tag(hash)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = entries[slot]
            if stored == 0 { return 0 }
            if stored & NERLexicon.tagMask == tag { return UInt32(truncatingIfNeeded: stored & NERLexicon.listMask) }
            slot = (slot + 1) & mask
        }
    }

    /// Lists a lexicon may name: the bits below the entries' "occupied" bit.
    static let maximumLists = 28
    private static let listMask: UInt64 = (1 << UInt64(maximumLists)) - 1
    private static let tagMask: UInt64 = ~listMask

    /// A word's entry without its lists: the hash's top 35 bits and the "occupied" bit.
    @inline(__always) private static func tag(_ hash: UInt64) -> UInt64 {
        hash & ~((1 << UInt64(maximumLists + 1)) - 1) | 1 << UInt64(maximumLists)
    }

    /// For tests and tools: the list names holding a word.
    public func features(of word: String) -> [String] {
        let set = lookup(TokenText(word.lowercased()))
        return featureNames.indices.filter { set & (1 << UInt32($0)) != 0 }.map { featureNames[$0] }
    }
}

@inline(__always) private func lowercased(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }
