import MaskerCore
import Synchronization
import Testing

@testable import MaskerServer

struct HealthRoutesTests {
    /// `/health` is degraded by a missing NER model only when the policy's gemma pass would look
    /// for something: listing the pass with NER off for every kind needs no model.
    @Test func theNERModelIsNeededOnlyWhenTheGemmaPassLooksForSomething() {
        #expect(HealthRoutes.needsNERModel(DetectionPipeline(policy: .healthcareDefault)))

        var nothingForNER = Policy.healthcareDefault
        #expect(nothingForNER.passes.contains { $0.name == .gemma })
        for kind in nothingForNER.entities.keys { nothingForNER.entities[kind]?.ner = false }
        #expect(!HealthRoutes.needsNERModel(DetectionPipeline(policy: nothingForNER)))

        var withoutThePass = Policy.healthcareDefault
        withoutThePass.passes.removeAll { $0.name == .gemma }
        #expect(!HealthRoutes.needsNERModel(DetectionPipeline(policy: withoutThePass)))
    }
}

/// A vault whose reads do not answer until the test releases them, deaf to cancellation, as a
/// driver waiting on a silent socket is.
final class HangingVault: VaultStore {
    private let inner = InMemoryVaultStore()
    private let waiting = Mutex<(released: Bool, reads: [CheckedContinuation<Void, Never>])>((false, []))
    var location: String { "hanging" }
    func insert(_ entries: [VaultEntry]) async throws(VaultUnavailable) { try await inner.insert(entries) }
    func entries(forTokens tokens: [String]) async throws(VaultUnavailable) -> [String: VaultEntry] {
        await withCheckedContinuation { continuation in
            let released = waiting.withLock { state -> Bool in
                if !state.released { state.reads.append(continuation) }
                return state.released
            }
            if released { continuation.resume() }
        }
        return [:]
    }
    func release() {
        let reads = waiting.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.released = true
            defer { state.reads = [] }
            return state.reads
        }
        for read in reads { read.resume() }
    }
    func stats() async throws(VaultUnavailable) -> VaultStats { try await inner.stats() }
    func count(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int { try await inner.count(selection) }
    func purge(_ selection: VaultSelection) async throws(VaultUnavailable) -> Int { try await inner.purge(selection) }
    func rekey(from oldKid: String, _ transform: @escaping @Sendable (VaultEntry) -> VaultEntry?)
        async throws(VaultUnavailable) -> (rekeyed: Int, failed: Int) { try await inner.rekey(from: oldKid, transform) }
    func entries(after token: String, limit: Int) async throws(VaultUnavailable) -> [VaultEntry] {
        try await inner.entries(after: token, limit: limit)
    }
}

struct HealthUnderAHungStoreTests {
    /// `/health` answers while the vault's read is still hanging, and says which store did not
    /// answer. (That it does within a second is timed by the fault tests, on a quiet machine.)
    @Test func healthAnswersWhenTheVaultHangs() async throws {
        let vault = HangingVault()
        let server = try await TestServer(vault: vault)
        let reply = try await server.call(.GET, "/health")
        #expect(reply.status == 503)
        #expect(reply.json["components"]?["vault"]?["status"]?.stringValue == "down")
        #expect(reply.json["components"]?["vault"]?["detail"]?.stringValue?.contains("no answer within 800 ms") == true)
        #expect(reply.json["components"]?["db"]?["status"]?.stringValue == "ok")
        vault.release()
        try await server.stop()
    }
}
