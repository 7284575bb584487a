import Foundation
import MaskerCore

/// When this deployment first saw each `_OLD` key: `<data dir>/key-rotations.json`, mode 0600,
/// `{"<kid>": {"fingerprint": "…", "first_seen": "2026-11-22T10:00:00Z"}}`. Fingerprints only,
/// never keys. A new old key (a second rotation) restarts its kid's clock.
///
/// A replica whose data directory does not survive restarts would restart the clock each time:
/// such deployments set `MASKER_KEY_ROTATION_STARTED` instead.
public struct KeyRotationRecord: Sendable {
    public let url: URL

    public init(dataDirectory: DataDirectory) {
        url = dataDirectory.url.appendingPathComponent("key-rotations.json")
    }

    struct Seen: Codable, Equatable {
        var fingerprint: String
        var firstSeen: Date

        enum CodingKeys: String, CodingKey {
            case fingerprint
            case firstSeen = "first_seen"
        }
    }

    /// The recorded first sighting of each kid's old key, recording `now` for any not yet seen.
    /// A record that cannot be read or written costs nothing but the clock: the start is then `now`
    /// (the grace period never ends early because of a storage problem), and the problem is returned.
    public func firstSeen(_ fingerprints: [String: SymmetricKeyFingerprint], now: Date) -> (dates: [String: Date], problems: [String]) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var record: [String: Seen] = [:]
        var problems: [String] = []
        if let data = FileManager.default.contents(atPath: url.path) {
            if let decoded = try? decoder.decode([String: Seen].self, from: data) {
                record = decoded
            } else {
                problems.append("\(url.path) is not a valid key rotation record; it is rewritten and the grace period restarts today")
            }
        }
        var dates: [String: Date] = [:]
        var changed = false
        for (kid, fingerprint) in fingerprints {
            if let seen = record[kid], seen.fingerprint == fingerprint.value {
                dates[kid] = seen.firstSeen
            } else {
                record[kid] = Seen(fingerprint: fingerprint.value, firstSeen: now)
                dates[kid] = now
                changed = true
            }
        }
        if changed {
            do {
                try write(record)
            } catch {
                problems.append("cannot record key rotation dates in \(url.path) (\(error.localizedDescription)); set \(KeyRotationGrace.startedVariable)")
            }
        }
        return (dates, problems)
    }

    private func write(_ record: [String: Seen]) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = url.appendingPathExtension("tmp-\(UUID().uuidString)")
        try encoder.encode(record).write(to: temporary)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary.path)
        // rename(2) replaces atomically: a reader never sees half a file.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
        }
    }
}
