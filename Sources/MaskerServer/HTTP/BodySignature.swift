import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore

/// The optional HMAC body signature of the proxy and the Vapi webhook: with
/// `MASKER_VAPI_WEBHOOK_SECRET` set, a body must come with its HMAC-SHA256 (hex) in
/// `X-Vapi-Signature` or `X-Masker-Signature`, or the request is refused with 401 `bad_signature`.
enum BodySignature {
    static func check(_ request: Request, body: [UInt8], secret: String?) throws(APIError) {
        guard let secret else { return }
        let given = request.headers[HTTPField.Name("X-Vapi-Signature")!] ?? request.headers[HTTPField.Name("X-Masker-Signature")!]
        let expected = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        guard let given, ConstantTime.equal(Array(given.lowercased().utf8), Array(Data(expected).hexString.utf8)) else {
            throw APIError(.unauthorized, "bad_signature", "the body's HMAC-SHA256 signature is missing or wrong; sign with MASKER_VAPI_WEBHOOK_SECRET")
        }
    }
}
