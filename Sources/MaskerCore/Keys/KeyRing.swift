import Crypto
import Foundation

/// Why a key variable could not be used. Carries the variable's name, never its value.
public enum KeyRingError: Error, Equatable, Sendable, CustomStringConvertible {
    case notBase64(variable: String)
    case wrongLength(variable: String, bytes: Int)

    public var variable: String {
        switch self {
        case let .notBase64(variable), let .wrongLength(variable, _): return variable
        }
    }

    public var description: String {
        switch self {
        case let .notBase64(variable):
            return "\(variable) is not valid base64; generate a key with `masker keys generate`"
        case let .wrongLength(variable, bytes):
            return "\(variable) decodes to \(bytes) bytes; a key must be exactly \(KeyRing.keyByteCount) bytes (generate one with `masker keys generate`)"
        }
    }
}

/// The keys named by `kid`s: `MASKER_KEY_<KID>` is the current key and `MASKER_KEY_<KID>_OLD` the
/// one being rotated out, which still rehydrates old tokens during the grace period.
///
/// Keys are `SymmetricKey`s so they never print: `SymmetricKey` has no description that reveals
/// its bytes, and this type's own description lists kids only.
public struct KeyRing: Sendable, CustomStringConvertible {
    public static let keyByteCount = 32
    public static let variablePrefix = "MASKER_KEY_"
    public static let previousSuffix = "_OLD"
    /// Environment variables that share the key prefix but are settings, not keys.
    public static let reservedVariables: Set<String> = ["MASKER_KEY_ROTATION_GRACE_DAYS", "MASKER_KEY_ROTATION_STARTED"]

    public struct Entry: Sendable {
        public var current: SymmetricKey?
        public var previous: SymmetricKey?
    }

    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Reads every `MASKER_KEY_*` variable. Malformed keys are returned as errors and left out of
    /// the ring, so one bad variable does not hide the good ones.
    public static func fromEnvironment(_ environment: [String: String]) -> (ring: KeyRing, errors: [KeyRingError]) {
        var ring = KeyRing()
        var errors: [KeyRingError] = []
        for (variable, value) in environment.sorted(by: { $0.key < $1.key })
        where variable.hasPrefix(variablePrefix) && !reservedVariables.contains(variable) {
            var kid = String(variable.dropFirst(variablePrefix.count))
            let isPrevious = kid.hasSuffix(previousSuffix)
            if isPrevious { kid = String(kid.dropLast(previousSuffix.count)) }
            guard !kid.isEmpty else { continue }
            switch decode(value, variable: variable) {
            case let .success(key):
                if isPrevious { ring.entries[kid, default: Entry()].previous = key }
                else { ring.entries[kid, default: Entry()].current = key }
            case let .failure(error):
                errors.append(error)
            }
        }
        return (ring, errors)
    }

    public static func variableName(for kid: String, previous: Bool = false) -> String {
        variablePrefix + kid + (previous ? previousSuffix : "")
    }

    /// Decodes base64 of exactly 32 bytes. Surrounding whitespace (a trailing newline from a file) is allowed.
    public static func decode(_ text: String, variable: String) -> Result<SymmetricKey, KeyRingError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else { return .failure(.notBase64(variable: variable)) }
        guard data.count == keyByteCount else { return .failure(.wrongLength(variable: variable, bytes: data.count)) }
        return .success(SymmetricKey(data: data))
    }

    /// A fresh random key as base64, for `masker keys generate` and dev mode.
    public static func generateEncodedKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public func currentKey(for kid: String) -> SymmetricKey? { entries[kid]?.current }
    public func previousKey(for kid: String) -> SymmetricKey? { entries[kid]?.previous }
    public func hasCurrentKey(for kid: String) -> Bool { currentKey(for: kid) != nil }

    public mutating func setCurrentKey(_ key: SymmetricKey, for kid: String) {
        entries[kid, default: Entry()].current = key
    }

    /// Retires a kid's previous key: its grace period is over.
    public mutating func removePreviousKey(for kid: String) {
        entries[kid]?.previous = nil
    }

    /// A short, stable name for a key that reveals nothing about it: the first 8 bytes of
    /// HMAC-SHA256 keyed by the key over a fixed label. Lets a record say "this _OLD key was first
    /// seen on …" without storing the key.
    public static func fingerprint(of key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("masker key fingerprint v1".utf8), using: key)
        return Data(mac.prefix(8)).hexString
    }

    public var kids: [String] { entries.keys.sorted() }

    public var description: String { "KeyRing(kids: \(kids))" }
}
