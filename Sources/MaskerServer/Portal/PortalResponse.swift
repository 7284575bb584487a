import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Rendering a portal page, with the headers every page carries.
///
/// The Content-Security-Policy allows nothing but Masker's own origin, and no inline script or
/// style at all: a value that ever slipped into a page unescaped could not run, and the page can
/// load nothing from elsewhere (no CDN, no font service). Pages are never cached: they show an
/// account's data.
enum PortalResponse {
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func page(_ template: String, _ model: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = PortalTemplates.library.render(model, withTemplate: template) ?? "template \(template) is missing"
        return text(html, type: "text/html; charset=utf-8", status: status)
    }

    /// `body` as `type`, with every header a portal response carries (`secure`); `headers` add to
    /// or replace them.
    static func text(_ body: String, type: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var response = Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
        secure(&response)
        for field in headers { response.headers[field.name] = field.value }
        return response
    }

    /// 303 to `location` (after a form post, so a reload does not post again).
    static func redirect(to location: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        secure(&response)
        return response
    }

    static func secure(_ response: inout Response) {
        response.headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
    }
}
