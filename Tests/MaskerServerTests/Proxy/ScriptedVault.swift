import Foundation
import MaskerCore
import Synchronization

/// A vault for proxy tests that counts its writes and can be told to fail them (all, or the first
/// few); everything else goes to an in-memory vault.
final class ScriptedVault: VaultStore {
    private let inner = InMemoryVaultStore()
    /// Writes still to fail.
    private let failures: Mutex<Int>
    /// The entries of each `insert` call, in order.
    let writes = Mutex<[[VaultEntry]]>([])

    init(failsWrites: Bool = false) {
        failures = Mutex(failsWrites ? Int.max : 0)
    }

    init(failsFirstWrites count: Int) {
        failures = Mutex(count)
    }

    var location: String { "scripted" }
    /// Kept as a real store keeps it: every write's outcome.
    let operations = OperationHealth()
    var health: OperationHealth? { operations }

    func insert(_ entries: [VaultEntry]) async throws(VaultUnavailable) {
        writes.withLock { $0.append(entries) }
        try nextWrite()
        try await inner.insert(entries)
    }

    /// A probe is a write like any other: it fails while writes are told to.
    func probeWrite() async throws(VaultUnavailable) {
        try nextWrite()
    }

    private func nextWrite() throws(VaultUnavailable) {
        let fails = failures.withLock { remaining in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        if fails {
            operations.failed(.write, reason: "scripted failure: database or disk is full")
            throw VaultUnavailable("scripted failure: database or disk is full")
        }
        operations.succeeded(.write)
    }

    func entries(forTokens tokens: [String]) async throws(VaultUnavailable) -> [String: VaultEntry] {
        try await inner.entries(forTokens: tokens)
    }

    func stats() async throws(VaultUnavailable) -> VaultStats { try await inner.stats() }
    func count(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int { try await inner.count(selection) }
    func purge(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int { try await inner.purge(selection) }

    func rekey(from oldKid: String, _ transform: @escaping @Sendable (VaultEntry) -> VaultEntry?)
        async throws(VaultUnavailable) -> (rekeyed: Int, failed: Int) {
        try await inner.rekey(from: oldKid, transform)
    }

    func entries(after token: String, limit: Int) async throws(VaultUnavailable) -> [VaultEntry] {
        try await inner.entries(after: token, limit: limit)
    }

    func close() async {}
}
