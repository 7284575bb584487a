import Crypto
import Foundation

/// Ed25519 signatures over a report's canonical JSON (everything but the `signature` member), so
/// a report can be checked by anyone holding the public key, and any edit to a count, a hash or a
/// sample shows. The public key travels in the report for convenience; `masker report verify
/// --public-key` pins the one you trust, since a forger could embed their own.
public enum ReportSignature {
    public static let algorithm = "Ed25519"

    public static func sign(_ report: JSONValue, with key: Curve25519.Signing.PrivateKey) throws -> JSONValue {
        guard case let .object(pairs) = report else { return report }
        let unsigned = pairs.filter { $0.0 != "signature" }
        let signature = try key.signature(for: JSONValue.object(unsigned).canonicalBytes)
        return .object(unsigned + [("signature", .object([
            ("algorithm", .string(algorithm)),
            ("public_key", .string(key.publicKey.rawRepresentation.base64EncodedString())),
            ("value", .string(Data(signature).base64EncodedString())),
        ]))])
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unsigned
        case malformed(String)
        case untrustedKey
        case mismatch

        public var description: String {
            switch self {
            case .unsigned: return "the report carries no signature"
            case let .malformed(what): return "the signature block is malformed (\(what))"
            case .untrustedKey: return "the report is signed with a different key than the one given with --public-key"
            case .mismatch: return "the signature does not match the report's content: the report was altered after signing"
            }
        }
    }

    /// The signer's public key (base64) when the signature holds.
    public static func verify(_ report: JSONValue, trusting trusted: String? = nil) throws(Failure) -> String {
        guard case let .object(pairs) = report, let signature = report["signature"] else { throw .unsigned }
        func field(_ name: String) -> String? { signature[name]?.stringValue }
        guard field("algorithm") == algorithm else { throw .malformed("algorithm is not \(algorithm)") }
        guard let publicText = field("public_key"), let publicData = Data(base64Encoded: publicText),
              let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: publicData) else {
            throw .malformed("public_key is not a base64 Ed25519 key")
        }
        guard let value = field("value"), let signatureData = Data(base64Encoded: value) else { throw .malformed("value is not base64") }
        if let trusted, Data(base64Encoded: trusted) != publicData { throw .untrustedKey }
        let unsigned = JSONValue.object(pairs.filter { $0.0 != "signature" }).canonicalBytes
        guard publicKey.isValidSignature(signatureData, for: unsigned) else { throw .mismatch }
        return publicText
    }
}
