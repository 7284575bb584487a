import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import MaskerCore

/// The optional check that a request comes from the voice platform: with
/// `MASKER_VAPI_WEBHOOK_SECRET` set, a body must come with its HMAC-SHA256 (hex) in
/// `X-Vapi-Signature` or `X-Masker-Signature`, or with the secret itself in `X-Vapi-Secret`, or
/// the request is refused with 401 `bad_signature`.
///
/// Why the plain secret too: it is how Vapi authenticates itself to a server URL (`server.secret`
/// goes out as `x-vapi-secret`), and a custom-LLM request, which Vapi cannot sign, carries it in
/// the headers the Vapi webhook's assistant sets (`VapiWebhookRoutes`). Compared in constant time.
enum BodySignature {
    static let secretHeader = HTTPField.Name("X-Vapi-Secret")!

    static func check(_ request: Request, body: [UInt8], secret: String?) throws(APIError) {
        guard let secret else { return }
        if let given = request.headers[secretHeader], ConstantTime.equal(Array(given.utf8), Array(secret.utf8)) { return }
        let given = request.headers[HTTPField.Name("X-Vapi-Signature")!] ?? request.headers[HTTPField.Name("X-Masker-Signature")!]
        let expected = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        guard let given, ConstantTime.equal(Array(given.lowercased().utf8), Array(Data(expected).hexString.utf8)) else {
            throw APIError(.unauthorized, "bad_signature",
                           "the request carries no valid X-Vapi-Signature (HMAC-SHA256 of the body) or X-Vapi-Secret; both come from MASKER_VAPI_WEBHOOK_SECRET")
        }
    }
}
