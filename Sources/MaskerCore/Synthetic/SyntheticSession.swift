import Crypto
import Foundation
import Synchronization

/// One session's synthetic surrogates (`tokenization: synthetic`): the same original always gets
/// the same surrogate within the session, partial references follow the whole, no surrogate equals
/// its original, and two values of a kind other than NAME never share a surrogate.
///
/// With `synthetic.seed`, the surrogates are a pure function of the seed, the session id and the
/// session's text in order: identical input gives identical output on every machine. Without one,
/// a fresh random key is made for the process and never stored, so nothing leads back to an
/// original. (With a known seed, anyone holding a surrogate can test guesses of the original:
/// see docs/synthetic.md.)
public final class SyntheticSession: Sendable {
    public let scope: String
    /// HMAC-SHA256 keyed with the session key (from the seed, or the process's random key).
    let mac: HMAC<SHA256>
    let tables: SurrogateTables
    let mechanism: LocaleMechanism
    let dateShiftDays: Int
    private let memory = Mutex(SessionMemory())

    /// A process-wide key for runs without a seed: random, in memory only.
    static let unseededKey = SymmetricKey(size: .bits256)

    public init(policy: Policy, scope: String, seed: UInt64? = nil, tables: SurrogateTables) {
        self.scope = scope
        self.tables = tables
        let settings = policy.synthetic
        let key: SymmetricKey
        if let seed = seed ?? settings.seed {
            var bytes: [UInt8] = []
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: seed >> UInt64(shift))) }
            key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: bytes), info: Array("masker synthetic v1".utf8),
                                         outputByteCount: 32)
        } else {
            key = Self.unseededKey
        }
        mac = HMAC<SHA256>(key: key)
        mechanism = LocaleMechanism(epsilon: policy.epsilon, k: settings.k, preserve: settings.preserveLocale)
        var random = SurrogateRandom(mac: mac, parts: ["date-shift", scope])
        let magnitude = random.integer(in: 400...1500)
        dateShiftDays = random.chance(0.5) ? magnitude : -magnitude
    }

    /// The surrogate for one detected span.
    ///
    /// Cached per surface form, drawn per value: "(415) 555-2671" and "four one five five five five
    /// two six seven one" are one value, so they get one number, each written the way it was said.
    public func surrogate(for original: String, kind: EntityKind) -> String {
        let surface = kind.rawValue + "|" + original
        // Names and addresses are one value whatever their case; other kinds may be said several
        // ways ("four one five…", "(415)…") and are normalised as the vault does.
        let value = Self.value(original, kind: kind)
        let identity = kind.rawValue + "|" + value
        return memory.withLock { memory in
            if let known = memory.values[surface] { return known }
            var surrogate = original
            let firstAttempt = memory.attempts[identity] ?? 0
            for attempt in firstAttempt..<(firstAttempt + 8) {
                var context = SurrogateContext(random: SurrogateRandom(mac: mac, parts: [scope, identity, String(attempt)]), tables: tables,
                                               mechanism: mechanism, dateShiftDays: dateShiftDays, normalized: value, identity: identity)
                memory.newNameParts.removeAll(keepingCapacity: true)
                surrogate = Self.generate(original, kind: kind, &context, &memory)
                memory.attempts[identity] = attempt
                // Compared as values, not as text: "513 double five five 0144" is a number of the
                // fictional range already, and its surrogate "513 five five five 0144" would be it.
                // Names are consistent through their parts, and two people may share a name part;
                // any other surrogate stands for one value only.
                if Self.value(surrogate, kind: kind) != value,
                   kind == .name || memory.owners[kind.rawValue + "|" + surrogate.lowercased(), default: identity] == identity {
                    break
                }
                // Drawn again: forget the name parts this attempt made up, or the next attempt
                // would find them and collide the same way.
                for part in memory.newNameParts {
                    if part.first { memory.firstNames.removeValue(forKey: part.key) } else { memory.surnames.removeValue(forKey: part.key) }
                }
            }
            if Self.value(surrogate, kind: kind) == value {
                // Nothing generated differs (a shape with no slots): redaction is the safe answer.
                surrogate = Masker.redactionMarker(kind.rawValue)
            }
            memory.values[surface] = surrogate
            memory.owners[kind.rawValue + "|" + surrogate.lowercased()] = identity
            return surrogate
        }
    }

    /// What the vault would store for a span, so that two ways of saying one value compare equal.
    private static func value(_ text: String, kind: EntityKind) -> String {
        kind == .name || kind == .address ? text.lowercased() : ValueNormalizer.normalize(text, kind: kind)
    }

    static func generate(_ original: String, kind: EntityKind, _ context: inout SurrogateContext, _ memory: inout SessionMemory) -> String {
        switch kind {
        case .name: NameSurrogate.make(original, &context, &memory)
        case .address: AddressSurrogate.make(original, &context, &memory)
        case .phone, .fax: PhoneSurrogate.make(original, &context, &memory)
        case .date, .dob: DateSurrogate.make(original, &context)
        case .age: DateSurrogate.age(original, &context)
        case .email: EmailSurrogate.make(original, &context, &memory)
        case .ipAddress: NetworkSurrogate.ip(original, &context)
        case .url: NetworkSurrogate.url(original, &context)
        case .ssn, .mrn, .healthPlan, .account, .license, .vehicle, .device, .otherID:
            IdentifierSurrogate.make(original, kind: kind, &context)
        }
    }
}
