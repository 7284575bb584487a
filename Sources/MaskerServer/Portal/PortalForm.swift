import Foundation
import Hummingbird

/// A posted HTML form (`application/x-www-form-urlencoded`).
///
/// Decoded by hand: Hummingbird's `URLEncodedFormDecoder` needs a `Decodable` type per form, and a
/// portal form is a handful of strings; this is forty lines with no allocation per field beyond
/// the strings themselves.
struct PortalForm: Sendable {
    var fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// Reads the body (at most `limit` bytes). A body of another type or over the limit is a 400
    /// page, not a crash.
    static func read(_ request: Request, limit: Int = 64 * 1024) async throws -> PortalForm {
        let type = request.headers[.contentType] ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw PortalError(.unsupportedMediaType, "This page takes a form post (application/x-www-form-urlencoded).")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw PortalError(.contentTooLarge, "The form was larger than \(limit / 1024) KiB.")
        }
        return PortalForm(encoded: String(buffer: buffer))
    }

    init(fields: [String: String]) {
        self.fields = fields
    }

    init(encoded: String) {
        var fields: [String: String] = [:]
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            // The first value of a repeated field wins; the portal's forms never repeat one.
            if fields[name] == nil { fields[name] = parts.count > 1 ? Self.decode(parts[1]) : "" }
        }
        self.fields = fields
    }

    private static func decode(_ part: Substring) -> String {
        let plus = part.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

/// Thrown by a page handler to send the browser elsewhere (to /login when logged out).
struct PortalRedirect: Error {
    var location: String
}

/// Runs a page handler: a `PortalRedirect` becomes a 303, a `PortalError` or `APIError` a page with
/// its status and sentence (a store failure says the database is unavailable, never a raw error).
enum PortalHandler {
    static func run(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let redirect as PortalRedirect {
            return PortalResponse.redirect(to: redirect.location)
        } catch let error as PortalError {
            return errorPage(error.status, error.message)
        } catch let error as APIError {
            return errorPage(error.status, error.message)
        }
    }

    private static func errorPage(_ status: HTTPResponse.Status, _ message: String) -> Response {
        PortalResponse.page("error", ["title": "\(status.code)", "message": message], status: status)
    }
}

/// A portal failure shown as a page: the status and a sentence that says what to do.
struct PortalError: Error {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
