import Crypto
import Foundation
import MaskerCore

/// Seals what a server keeps for its portal that must not be readable at rest: the text of
/// proxied turns (`TurnPayload`) and reports (`StoredReport`, whose samples are masked text).
///
/// AES-256-GCM under a key derived from the audit HMAC key (HKDF, its own label, so it opens
/// nothing else and nothing else opens it: one secret guards the audit subsystem, as for the
/// payload log). The record's identity (what it is, its account, its ids) is the associated data,
/// so a sealed value copied to another row, or another account, does not open.
public enum RecordSeal {
    public static func key(fromAuditKey auditKey: SymmetricKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: auditKey, info: Array("masker portal records v1".utf8), outputByteCount: 32)
    }

    public static func seal(_ bytes: [UInt8], key: SymmetricKey, context: [(String, String)]) throws -> Data {
        let box = try AES.GCM.seal(bytes, using: key, authenticating: associatedData(context))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return combined
    }

    /// The bytes, or nil when `sealed` does not open under this key for this context.
    public static func open(_ sealed: Data, key: SymmetricKey, context: [(String, String)]) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let plain = try? AES.GCM.open(box, using: key, authenticating: associatedData(context)) else { return nil }
        return Array(plain)
    }

    private static func associatedData(_ context: [(String, String)]) -> [UInt8] {
        JSONValue.object(context.map { ($0.0, JSONValue.string($0.1)) }).canonicalBytes
    }
}
