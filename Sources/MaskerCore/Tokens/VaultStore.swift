import Foundation

/// One vault row: what a `MSKV1` token stands for. The original surface text is kept only as
/// AES-GCM-SIV ciphertext under a key derived from the kid's key; the subject hash (a keyed hash of
/// the normalised value) lets `vault purge --subject` find every token of one person without
/// storing anything readable.
public struct VaultEntry: Sendable, Equatable {
    public var token: String
    public var kind: EntityKind
    public var kid: String
    public var scope: String
    public var ciphertext: [UInt8]
    public var subjectHash: [UInt8]
    public var createdAt: Date

    public init(token: String, kind: EntityKind, kid: String, scope: String, ciphertext: [UInt8],
                subjectHash: [UInt8], createdAt: Date) {
        self.token = token
        self.kind = kind
        self.kid = kid
        self.scope = scope
        self.ciphertext = ciphertext
        self.subjectHash = subjectHash
        self.createdAt = createdAt
    }
}

/// The vault could not be read or written. The reason names the store and the cause (locked,
/// unreachable, disk full), never a value, a password or a key.
public struct VaultUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "the vault is unavailable: \(reason)" }
}

/// Counts by kind, oldest and newest entry, bytes used: nothing about any value.
public struct VaultStats: Sendable, Equatable {
    public var entries: Int
    public var byKind: [KindCount]
    public var oldest: Date?
    public var newest: Date?
    public var storedBytes: Int

    public struct KindCount: Sendable, Equatable {
        public var kind: String
        public var count: Int
        public init(kind: String, count: Int) {
            self.kind = kind
            self.count = count
        }
    }

    public init(entries: Int, byKind: [KindCount], oldest: Date?, newest: Date?, storedBytes: Int) {
        self.entries = entries
        self.byKind = byKind
        self.oldest = oldest
        self.newest = newest
        self.storedBytes = storedBytes
    }
}

/// Storage for vault entries: SQLite (the default) and PostgreSQL implement it in MaskerStore, tests
/// also use `InMemoryVaultStore`, and one test suite runs against all three.
///
/// Async because PostgreSQL is reached over the network; writes take a whole turn's entries at
/// once, so a turn costs one transaction (group commit) however many values it masks.
public protocol VaultStore: Sendable {
    /// Where the vault is, for messages: a path, or host/port/database (never a password).
    var location: String { get }

    /// Stores each entry unless its token is already stored, in one transaction. Concurrent writers
    /// of one value leave one row, and the first surface text stored is the one restored.
    func insert(_ entries: [VaultEntry]) async throws(VaultUnavailable)

    /// Starts `insert` and returns at once; the write's `wait()` returns once the entries are
    /// stored, as `insert` does. For a caller with other work meanwhile (a proxied turn calls the
    /// model while its tokens are stored). The default runs `insert` in a task; the SQLite store
    /// hands the entries to its commit thread directly.
    func submit(_ entries: [VaultEntry]) -> PendingWrite<VaultUnavailable>

    /// The stored entries of these tokens; tokens the vault does not hold are absent.
    func entries(forTokens tokens: [String]) async throws(VaultUnavailable) -> [String: VaultEntry]

    func stats() async throws(VaultUnavailable) -> VaultStats

    /// How many entries match, for a confirmation prompt before a destructive command.
    func count(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int

    /// Deletes the matching entries; their tokens then rehydrate as `[REDACTED:KIND]`. Returns how
    /// many were deleted.
    func purge(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int

    /// Re-keys every entry of `oldKid` in one transaction, all or nothing. `transform` returns the
    /// re-encrypted entry, or nil when an entry cannot be opened; then nothing is changed and the
    /// number of such entries is returned as `failed`.
    func rekey(from oldKid: String, _ transform: @escaping @Sendable (VaultEntry) -> VaultEntry?)
        async throws(VaultUnavailable) -> (rekeyed: Int, failed: Int)

    /// Up to `limit` entries whose tokens sort after `token`, in token order: a page of an export.
    func entries(after token: String, limit: Int) async throws(VaultUnavailable) -> [VaultEntry]

    /// Releases connections; the store is unusable afterwards.
    func close() async

    /// The last real read, write and connection outcome, for `/health`; nil for a store that
    /// keeps none (in memory).
    var health: OperationHealth? { get }

    /// A real write that leaves nothing readable behind (`/health` asks, after a failed write,
    /// whether writes work again). The default reads instead, for stores that cannot fail a write.
    func probeWrite() async throws(VaultUnavailable)
}

/// Which entries a count or purge applies to.
public enum VaultSelection: Sendable, Equatable {
    case all
    case createdBefore(Date)
    /// Erasure of one person: every entry with one of these subject hashes.
    case subjects([[UInt8]])
    case kid(String)
}

extension VaultStore {
    public func insert(_ entry: VaultEntry) async throws(VaultUnavailable) {
        try await insert([entry])
    }

    public func entry(forToken token: String) async throws(VaultUnavailable) -> VaultEntry? {
        try await entries(forTokens: [token])[token]
    }

    public func close() async {}

    public var health: OperationHealth? { nil }

    public func probeWrite() async throws(VaultUnavailable) {
        _ = try await entries(forTokens: ["health-probe"])
    }

    public func submit(_ entries: [VaultEntry]) -> PendingWrite<VaultUnavailable> {
        guard !entries.isEmpty else { return .finished() }
        let write = PendingWrite<VaultUnavailable>()
        Task {
            do throws(VaultUnavailable) {
                try await insert(entries)
                write.finish(nil)
            } catch {
                write.finish(error)
            }
        }
        return write
    }

    /// Visits every entry in token order, a page at a time: constant memory however large the vault.
    public func forEachEntry(pageSize: Int = 500, _ body: (VaultEntry) throws -> Void) async throws {
        var after = ""
        while true {
            let page = try await entries(after: after, limit: pageSize)
            for entry in page { try body(entry) }
            guard let last = page.last, page.count == pageSize else { return }
            after = last.token
        }
    }
}

/// A vault in memory, for tests and one-shot runs. Thread-safe.
public final class InMemoryVaultStore: VaultStore, @unchecked Sendable {
    // Guarded by `lock`; a class rather than an actor so `count` stays synchronous for tests.
    private let lock = NSLock()
    private var entries: [String: VaultEntry] = [:]

    public init() {}

    public var location: String { "memory" }

    public func insert(_ batch: [VaultEntry]) async throws(VaultUnavailable) {
        lock.withLock {
            for entry in batch where entries[entry.token] == nil { entries[entry.token] = entry }
        }
    }

    public func entries(forTokens tokens: [String]) async throws(VaultUnavailable) -> [String: VaultEntry] {
        lock.withLock {
            var found: [String: VaultEntry] = [:]
            for token in tokens { found[token] = entries[token] }
            return found
        }
    }

    public func stats() async throws(VaultUnavailable) -> VaultStats {
        lock.withLock {
            let byKind = Dictionary(grouping: entries.values, by: \.kind.rawValue)
                .map { VaultStats.KindCount(kind: $0.key, count: $0.value.count) }.sorted { $0.kind < $1.kind }
            let dates = entries.values.map(\.createdAt)
            return VaultStats(entries: entries.count, byKind: byKind, oldest: dates.min(), newest: dates.max(),
                              storedBytes: entries.values.reduce(0) { $0 + $1.ciphertext.count + $1.token.utf8.count })
        }
    }

    public func count(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        lock.withLock { entries.values.filter { Self.matches($0, selection) }.count }
    }

    public func purge(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int {
        lock.withLock {
            let doomed = entries.values.filter { Self.matches($0, selection) }.map(\.token)
            for token in doomed { entries[token] = nil }
            return doomed.count
        }
    }

    public func rekey(from oldKid: String, _ transform: @escaping @Sendable (VaultEntry) -> VaultEntry?)
        async throws(VaultUnavailable) -> (rekeyed: Int, failed: Int) {
        lock.withLock {
            let old = entries.values.filter { $0.kid == oldKid }
            let updated = old.compactMap(transform)
            guard updated.count == old.count else { return (0, old.count - updated.count) }
            for entry in updated { entries[entry.token] = entry }
            return (updated.count, 0)
        }
    }

    public func entries(after token: String, limit: Int) async throws(VaultUnavailable) -> [VaultEntry] {
        lock.withLock { Array(entries.values.filter { $0.token > token }.sorted { $0.token < $1.token }.prefix(limit)) }
    }

    public var count: Int { lock.withLock { entries.count } }

    static func matches(_ entry: VaultEntry, _ selection: VaultSelection) -> Bool {
        switch selection {
        case .all: return true
        case let .createdBefore(date): return entry.createdAt < date
        case let .subjects(hashes): return hashes.contains(entry.subjectHash)
        case let .kid(kid): return entry.kid == kid
        }
    }
}
