import Crypto
import Foundation

/// The chain rule of SPEC section 6:
/// `this_hash = hex(HMAC-SHA256(key, prev_hash ‖ canonical_json(record without this_hash)))`,
/// where `prev_hash` is the previous record's `this_hash` as 64 lowercase hex characters (ASCII)
/// and the first record of a log follows `genesis`. Each hash commits to the whole prefix, so an
/// edit, deletion, insertion or reordering anywhere breaks every hash after it, and only a holder
/// of the key can forge a consistent chain.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// The written line (canonical JSON of the record, `this_hash` included; no newline) and the
    /// record's hash.
    public struct Sealed: Sendable {
        public var line: String
        public var hash: String
    }

    public static func seal(_ event: AuditEvent, timestamp: String, eventID: String, previousHash: String,
                            key: SymmetricKey) -> Sealed {
        let fields = event.fields(timestamp: timestamp, eventID: eventID, previousHash: previousHash)
        let hash = self.hash(previousHash: previousHash, canonicalFields: fields.canonical, key: key)
        guard case var .object(pairs) = fields else { preconditionFailure("an event's fields are an object") }
        pairs.append(("this_hash", .string(hash)))
        return Sealed(line: JSONValue.object(pairs).canonical, hash: hash)
    }

    public static func hash(previousHash: String, canonicalFields: String, key: SymmetricKey) -> String {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Array(previousHash.utf8))
        mac.update(data: Array(canonicalFields.utf8))
        return Data(mac.finalize()).hexString
    }
}

extension Data {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 15)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
