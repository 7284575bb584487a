import Crypto
import Foundation
import MaskerCore

/// A request's `seed`, replaced by a keyed hash of it before the request goes upstream.
///
/// A seed is an integer the client picks and the model only uses to make sampling repeatable, so
/// any 64-bit value is valid and none can be refused; but a client can put a phone number or an
/// SSN there (`"seed": 4155552671`, found by the fuzzer), and a number that size is sent as it is.
/// An HMAC under a key derived from the policy's kid keeps what a seed is for (the same seed gives
/// the same replacement, so answers stay repeatable) and sends nothing of the value; unkeyed, a
/// ten-digit number would be found again by trying them all. Without a key the seed is dropped.
enum RequestSeed {
    static func replacing(_ request: JSONValue, key: SymmetricKey?) -> JSONValue {
        guard case let .object(fields) = request, let index = fields.firstIndex(where: { $0.0 == "seed" }) else { return request }
        var replaced = fields
        switch fields[index].1 {
        case .null:
            return request
        case let value:
            guard let key else {
                replaced.remove(at: index)
                return .object(replaced)
            }
            var hmac = HMAC<SHA256>(key: HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("masker request seed v1".utf8), outputByteCount: 32))
            hmac.update(data: Array(value.serialized().utf8))
            let digest = hmac.finalize().withUnsafeBytes { $0.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
            replaced[index].1 = .int(Int(digest >> 33)) // 31 bits: every model server takes it
        }
        return .object(replaced)
    }
}
