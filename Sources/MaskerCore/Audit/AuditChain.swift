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
        /// UTF-8 of the line.
        public var bytes: [UInt8]
        public var hash: String
        public var line: String { String(decoding: bytes, as: UTF8.self) }
    }

    public static func seal(_ event: AuditEvent, timestamp: String, eventID: String, previousHash: String,
                            key: SymmetricKey) -> Sealed {
        seal(event, timestamp: timestamp, eventID: eventID, previousHash: previousHash, mac: HMAC<SHA256>(key: key))
    }

    /// `mac` is a fresh HMAC for the log's key, set up once and copied per record: HMAC is a value
    /// type, and keying it costs as much as hashing a record.
    public static func seal(_ event: AuditEvent, timestamp: String, eventID: String, previousHash: String,
                            mac: HMAC<SHA256>) -> Sealed {
        guard case let .object(pairs) = event.fields(timestamp: timestamp, eventID: eventID, previousHash: previousHash) else {
            preconditionFailure("an event's fields are an object")
        }
        // The fields come in canonical order, so the canonical text is written straight out, noting
        // where `this_hash` belongs; the line is then that text with the hash spliced in, rather
        // than a second serialisation (this is the audit log's hot path). Room for the hash is
        // reserved up front, so the splice never reallocates.
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(768)
        var splice = 0
        for (index, (key, value)) in pairs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if splice == 0, !JSONValue.codePointOrder(key, "this_hash") { splice = bytes.count }
            JSONValue.writeCanonicalString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            value.writeCanonical(to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        if splice == 0 { splice = bytes.count - 1 }
        let hash = self.hash(previousHash: previousHash, canonicalFields: bytes, mac: mac)
        // `"this_hash":"<hash>"`, with a comma on the side that has a neighbour.
        let before = bytes[splice] == UInt8(ascii: "}")
        var member: [UInt8] = []
        member.reserveCapacity(80)
        if before { member.append(UInt8(ascii: ",")) }
        member.append(contentsOf: #""this_hash":""#.utf8)
        member.append(contentsOf: hash.utf8)
        member.append(UInt8(ascii: "\""))
        if !before { member.append(UInt8(ascii: ",")) }
        bytes.insert(contentsOf: member, at: splice)
        return Sealed(bytes: bytes, hash: hash)
    }

    /// The chain rule itself; `mac` is the log's keyed HMAC, copied here, never updated in place.
    public static func hash(previousHash: String, canonicalFields: [UInt8], mac: HMAC<SHA256>) -> String {
        var mac = mac
        mac.update(utf8: previousHash)
        mac.update(data: canonicalFields)
        return mac.finalize().withUnsafeBytes { Hex.lowercase($0) }
    }
}
