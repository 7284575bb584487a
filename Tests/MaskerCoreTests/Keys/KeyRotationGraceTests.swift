import Foundation
import MaskerCore
import Testing

struct KeyRotationGraceTests {
    let ring = KeyRing.fromEnvironment(["MASKER_KEY_K": otherKey, "MASKER_KEY_K_OLD": testKey, "MASKER_KEY_OTHER": testKey]).ring
    let day: TimeInterval = 86_400
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theOldKeyRestoresDuringTheGracePeriodAndNotAfter() async throws {
        let before = try await ReversibleAEADScheme(kid: "K", keyRing: keyRing(["MASKER_KEY_K": testKey])).mint("415-555-2671", kind: .phone)
        let grace = KeyRotationGrace(days: 30)
        let (during, duringOutcomes) = grace.apply(to: ring, now: start.addingTimeInterval(29 * day), firstSeen: ["K": start])
        #expect(duringOutcomes.map(\.kid) == ["K"] && duringOutcomes.map(\.expired) == [false])
        #expect(duringOutcomes.first?.ends == start.addingTimeInterval(30 * day))
        #expect(try await ReversibleAEADScheme(kid: "K", keyRing: during).restore(before).get() == "415-555-2671")

        let (after, afterOutcomes) = grace.apply(to: ring, now: start.addingTimeInterval(30 * day), firstSeen: ["K": start])
        #expect(afterOutcomes.map(\.expired) == [true])
        #expect(after.previousKey(for: "K") == nil)
        #expect(after.currentKey(for: "K") != nil && after.currentKey(for: "OTHER") != nil) // only the old key goes
        #expect(await ReversibleAEADScheme(kid: "K", keyRing: after).restore(before) == .failure(.tampered))
    }

    @Test func anExplicitStartWinsOverTheRecordedOne() {
        let grace = KeyRotationGrace(days: 7, started: start)
        let (_, outcomes) = grace.apply(to: ring, now: start.addingTimeInterval(8 * day), firstSeen: ["K": .distantFuture])
        #expect(outcomes.map(\.expired) == [true])
    }

    @Test func settingsAreReadAndBadOnesNamed() throws {
        #expect(try KeyRotationGrace.fromEnvironment([:]) == KeyRotationGrace(days: 30))
        let set = try KeyRotationGrace.fromEnvironment(["MASKER_KEY_ROTATION_GRACE_DAYS": "7", "MASKER_KEY_ROTATION_STARTED": "2026-11-01"])
        #expect(set.days == 7 && set.started == Date(timeIntervalSince1970: 1_793_491_200))
        for (variable, value) in [("MASKER_KEY_ROTATION_GRACE_DAYS", "-1"), ("MASKER_KEY_ROTATION_GRACE_DAYS", "thirty"),
                                  ("MASKER_KEY_ROTATION_STARTED", "1 Nov 2026")] {
            #expect(throws: KeyRotationGrace.SettingError.self) { try KeyRotationGrace.fromEnvironment([variable: value]) }
        }
        // The settings share the key prefix but are never read as keys.
        let (parsed, errors) = KeyRing.fromEnvironment(["MASKER_KEY_ROTATION_GRACE_DAYS": "7", "MASKER_KEY_ROTATION_STARTED": "2026-11-01"])
        #expect(parsed.kids.isEmpty && errors.isEmpty)
    }

    @Test func fingerprintsAreStableAndRevealNothing() throws {
        let key = try #require(ring.previousKey(for: "K"))
        #expect(KeyRing.fingerprint(of: key) == KeyRing.fingerprint(of: key))
        #expect(KeyRing.fingerprint(of: key) != KeyRing.fingerprint(of: try #require(ring.currentKey(for: "K"))))
        #expect(KeyRing.fingerprint(of: key).count == 16)
        #expect(!testKey.contains(KeyRing.fingerprint(of: key)))
    }
}
