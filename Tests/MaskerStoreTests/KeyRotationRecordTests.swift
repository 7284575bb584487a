import Foundation
import Logging
import MaskerCore
import MaskerStore
import MaskerTestSupport
import Testing

struct KeyRotationRecordTests {
    static let current = Data((0..<32).map { UInt8($0 + 1) }).base64EncodedString()
    static let old = Data((0..<32).map { UInt8(200 - $0) }).base64EncodedString()
    let day: TimeInterval = 86_400

    @Test func theFirstSightingIsRecordedAndTheOldKeyRetiresAfterTheGracePeriod() throws {
        let scratch = try ScratchDirectory()
        let environment = ["MASKER_KEY_K": Self.current, "MASKER_KEY_K_OLD": Self.old, "MASKER_KEY_ROTATION_GRACE_DAYS": "10"]
        let loader = KeyRingLoader(environment: environment, dataDirectory: DataDirectory(url: scratch.url))
        let first = Date(timeIntervalSince1970: 1_800_000_000)
        let logs = LogCapture()
        #expect(try loader.load(requiredKids: ["K"], generateMissing: false, logger: logs.logger, now: first).ring.previousKey(for: "K") != nil)
        // Later runs keep the first date: nine days on the old key still works, ten days on it is gone.
        #expect(try loader.load(requiredKids: ["K"], generateMissing: false, logger: logs.logger, now: first.addingTimeInterval(9 * day))
            .ring.previousKey(for: "K") != nil)
        let expired = try loader.load(requiredKids: ["K"], generateMissing: false, logger: logs.logger, now: first.addingTimeInterval(10 * day)).ring
        #expect(expired.previousKey(for: "K") == nil && expired.currentKey(for: "K") != nil)
        #expect(logs.lines.contains { $0.contains("MASKER_KEY_K_OLD is past its 10-day rotation grace period") })
        // The record holds fingerprints and dates, never a key; it is owner-only.
        let record = KeyRotationRecord(dataDirectory: DataDirectory(url: scratch.url)).url
        let text = try String(contentsOf: record, encoding: .utf8)
        #expect(!text.contains(Self.old) && !text.contains(Self.current) && text.contains("first_seen"))
        #expect(try FileManager.default.attributesOfItem(atPath: record.path)[.posixPermissions] as? Int == 0o600)
        #expect(!logs.lines.joined().contains(Self.old))
    }

    @Test func aNewOldKeyRestartsItsClock() throws {
        let scratch = try ScratchDirectory()
        let directory = DataDirectory(url: scratch.url)
        let first = Date(timeIntervalSince1970: 1_800_000_000)
        let logger = Logger(label: "test")
        _ = try KeyRingLoader(environment: ["MASKER_KEY_K": Self.current, "MASKER_KEY_K_OLD": Self.old], dataDirectory: directory)
            .load(requiredKids: [], generateMissing: false, logger: logger, now: first)
        // A second rotation 40 days later: a different old key, so a fresh 30 days.
        let later = first.addingTimeInterval(40 * day)
        let ring = try KeyRingLoader(environment: ["MASKER_KEY_K": KeyRing.generateEncodedKey(), "MASKER_KEY_K_OLD": Self.current],
                                     dataDirectory: directory).load(requiredKids: [], generateMissing: false, logger: logger, now: later).ring
        #expect(ring.previousKey(for: "K") != nil)
    }

    @Test func anUnreadableRecordNeverEndsTheGracePeriodEarly() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("key-rotations.json", "{ not json")
        let logs = LogCapture()
        let ring = try KeyRingLoader(environment: ["MASKER_KEY_K": Self.current, "MASKER_KEY_K_OLD": Self.old],
                                     dataDirectory: DataDirectory(url: scratch.url))
            .load(requiredKids: [], generateMissing: false, logger: logs.logger, now: Date()).ring
        #expect(ring.previousKey(for: "K") != nil)
        #expect(logs.lines.contains { $0.contains("not a valid key rotation record") })
    }

    @Test func aBadGraceSettingIsAnError() throws {
        let scratch = try ScratchDirectory()
        let loader = KeyRingLoader(environment: ["MASKER_KEY_K_OLD": Self.old, "MASKER_KEY_ROTATION_GRACE_DAYS": "soon"],
                                   dataDirectory: DataDirectory(url: scratch.url))
        #expect(throws: KeyRotationGrace.SettingError.self) {
            try loader.load(requiredKids: [], generateMissing: false, logger: Logger(label: "test"))
        }
    }
}
