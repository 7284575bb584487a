import Foundation

/// `MASKER_KEY_<KID>_OLD` keys restore tokens only during the rotation grace period
/// (`MASKER_KEY_ROTATION_GRACE_DAYS`, default 30, SPEC section 4). Past it, the old key is dropped
/// from the ring: its MSK1 tokens, and vault rows not re-keyed with `masker vault rotate-key`, then
/// rehydrate as `[REDACTED:KIND]`.
///
/// When the period started is `MASKER_KEY_ROTATION_STARTED` (a day, for all kids) if set, else the
/// day this deployment first saw that old key (`KeyRotationRecord` in the data directory).
public struct KeyRotationGrace: Sendable, Equatable {
    public static let defaultDays = 30
    public static let daysVariable = "MASKER_KEY_ROTATION_GRACE_DAYS"
    public static let startedVariable = "MASKER_KEY_ROTATION_STARTED"

    public var days: Int
    /// The explicit start of the rotation, when configured.
    public var started: Date?

    public init(days: Int = defaultDays, started: Date? = nil) {
        self.days = days
        self.started = started
    }

    /// A setting that cannot be read. Names the variable and the fix, never a key.
    public struct SettingError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(SettingError) -> KeyRotationGrace {
        var grace = KeyRotationGrace()
        if let text = environment[daysVariable], !text.isEmpty {
            guard let days = Int(text.trimmingCharacters(in: .whitespaces)), (0...3650).contains(days) else {
                throw SettingError(description: "\(daysVariable) must be a whole number of days from 0 to 3650, got '\(text)'")
            }
            grace.days = days
        }
        if let text = environment[startedVariable], !text.isEmpty {
            guard let date = CalendarDay.parse(text.trimmingCharacters(in: .whitespaces)) else {
                throw SettingError(description: "\(startedVariable) must be a day as YYYY-MM-DD, got '\(text)'")
            }
            grace.started = date
        }
        return grace
    }

    /// What happened to one kid's previous key.
    public struct Outcome: Sendable, Equatable {
        public var kid: String
        public var started: Date
        public var ends: Date
        public var expired: Bool
    }

    /// The ring with every expired previous key removed, and one outcome per previous key.
    /// `firstSeen` gives the recorded start per kid, used when no explicit start is set; a kid
    /// without one starts now.
    public func apply(to ring: KeyRing, now: Date, firstSeen: [String: Date]) -> (KeyRing, [Outcome]) {
        var ring = ring
        var outcomes: [Outcome] = []
        for kid in ring.kids where ring.previousKey(for: kid) != nil {
            let start = started ?? firstSeen[kid] ?? now
            let ends = start.addingTimeInterval(TimeInterval(days) * 86_400)
            let expired = now >= ends
            if expired { ring.removePreviousKey(for: kid) }
            outcomes.append(Outcome(kid: kid, started: start, ends: ends, expired: expired))
        }
        return (ring, outcomes)
    }
}

/// `KeyRing.fingerprint(of:)` of a key, as a distinct type so it is never mistaken for key bytes.
public struct SymmetricKeyFingerprint: Sendable, Hashable, CustomStringConvertible {
    public var value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
}
