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
/// unreachable, disk full), never a value.
public struct VaultUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "the vault is unavailable: \(reason)" }
}

/// Storage for vault entries. SQLite (default) and PostgreSQL implement it in MaskerStore; tests
/// use `InMemoryVaultStore`.
public protocol VaultStore: Sendable {
    /// Stores `entry` unless its token is already stored, and returns the stored entry: concurrent
    /// writers of one value get one row, and the first surface text is the one restored.
    func insertIfAbsent(_ entry: VaultEntry) throws(VaultUnavailable) -> VaultEntry
    func entry(forToken token: String) throws(VaultUnavailable) -> VaultEntry?
}

/// A vault in memory, for tests and one-shot runs. Thread-safe.
public final class InMemoryVaultStore: VaultStore, @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: VaultEntry] = [:]

    public init() {}

    public func insertIfAbsent(_ entry: VaultEntry) throws(VaultUnavailable) -> VaultEntry {
        lock.withLock {
            if let existing = entries[entry.token] { return existing }
            entries[entry.token] = entry
            return entry
        }
    }

    public func entry(forToken token: String) throws(VaultUnavailable) -> VaultEntry? {
        lock.withLock { entries[token] }
    }

    public var count: Int { lock.withLock { entries.count } }
}
