import Foundation
import Logging
import MaskerCore

/// Assembles the key ring a process runs with: the environment's keys, plus in dev mode a stored
/// (or newly generated) development key for each required kid the environment lacks.
public struct KeyRingLoader: Sendable {
    public var environment: [String: String]
    public var dataDirectory: DataDirectory

    public init(environment: [String: String], dataDirectory: DataDirectory) {
        self.environment = environment
        self.dataDirectory = dataDirectory
    }

    /// `MASKER_DEV=1` (or `true`, `yes`) turns dev mode on.
    public static func isDevMode(_ environment: [String: String]) -> Bool {
        guard let value = environment["MASKER_DEV"]?.lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(value)
    }

    public var isDevMode: Bool { Self.isDevMode(environment) }

    /// - Parameter generateMissing: in dev mode, create a key for a required kid that has none.
    ///   `policy validate` passes false: checking a policy must not write keys.
    public func load(requiredKids: [String], generateMissing: Bool, logger: Logger, now: Date = Date()) throws -> (ring: KeyRing, errors: [KeyRingError]) {
        var (ring, errors) = KeyRing.fromEnvironment(environment)
        ring = try retiringExpiredOldKeys(ring, now: now, logger: logger)
        guard isDevMode else { return (ring, errors) }
        let store = DevKeyStore(dataDirectory: dataDirectory)
        for kid in requiredKids where !ring.hasCurrentKey(for: kid)
            && !errors.contains(where: { $0.variable == KeyRing.variableName(for: kid) }) {
            if generateMissing {
                let (key, created) = try store.loadOrCreate(kid: kid)
                ring.setCurrentKey(key, for: kid)
                if created {
                    logger.warning("MASKER_DEV: generated a development key for kid \(kid) at \(store.path(for: kid).path); never use dev mode with real PHI")
                } else {
                    logger.info("MASKER_DEV: using the development key for kid \(kid) at \(store.path(for: kid).path)")
                }
            } else if let key = try store.existingKey(for: kid) {
                ring.setCurrentKey(key, for: kid)
            }
        }
        return (ring, errors)
    }

    /// Applies the rotation grace period: an `_OLD` key past it is dropped, with a warning that
    /// names the variable to remove (never the key).
    func retiringExpiredOldKeys(_ ring: KeyRing, now: Date, logger: Logger) throws(KeyRotationGrace.SettingError) -> KeyRing {
        let grace = try KeyRotationGrace.fromEnvironment(environment)
        let oldKeys = ring.kids.compactMap { kid in ring.previousKey(for: kid).map { (kid, $0) } }
        guard !oldKeys.isEmpty else { return ring }
        var recorded: [String: Date] = [:]
        if grace.started == nil {
            let fingerprints = Dictionary(uniqueKeysWithValues: oldKeys.map { ($0.0, SymmetricKeyFingerprint(KeyRing.fingerprint(of: $0.1))) })
            let (dates, problems) = KeyRotationRecord(dataDirectory: dataDirectory).firstSeen(fingerprints, now: now)
            recorded = dates
            for problem in problems { logger.warning("\(problem)") }
        }
        let (retired, outcomes) = grace.apply(to: ring, now: now, firstSeen: recorded)
        let format = ISO8601DateFormatter()
        for outcome in outcomes {
            let variable = KeyRing.variableName(for: outcome.kid, previous: true)
            if outcome.expired {
                logger.warning("\(variable) is past its \(grace.days)-day rotation grace period (since \(format.string(from: outcome.started))); it is ignored and tokens only it can open rehydrate as [REDACTED:KIND]. Remove it.")
            } else {
                logger.info("\(variable) restores old tokens until \(format.string(from: outcome.ends)) (\(KeyRotationGrace.daysVariable)=\(grace.days))")
            }
        }
        return retired
    }
}
