import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import MaskerCore
import MaskerStore

/// Every error the server answers with, in one envelope that is both OpenAI's shape (so the
/// official clients raise their usual exceptions) and ours:
/// `{"error":{"code","message","type","param","request_id"}}`.
///
/// Messages name the problem and the fix; they never carry request text, PHI or keys.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// OpenAI's `param`: the JSON path of the request field the error is about (never its value).
    public var param: String?
    /// Extra fields inside `error` (policy validation issues, for example).
    public var details: [(String, JSONValue)] = []
    /// Extra response headers (`Retry-After`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// OpenAI's `type` for the status.
    var type: String {
        switch status.code {
        case 401, 403: return "authentication_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        case 500...: return "api_error"
        default: return "invalid_request_error"
        }
    }

    public func response(requestID: String) -> Response {
        let body = JSONValue.object([
            ("error", .object([
                ("code", .string(code)), ("message", .string(message)), ("type", .string(type)), ("param", param.map(JSONValue.string) ?? .null),
                ("request_id", .string(requestID)),
            ] + details)),
        ])
        var response = JSONResponse.make(body, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }

    static func badJSON(_ failure: JSONParser.Failure) -> APIError {
        APIError(.badRequest, "invalid_json", "the request body is not valid JSON (\(failure.description)); send a JSON object")
    }

    /// 413 with the limit named; the body was not read past it, and nothing was done with it.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, "body_too_large",
                 "the request body is larger than \(limit) bytes (MASKER_MAX_BODY_BYTES; log-in bodies 64 KiB); nothing was done with it")
    }

    /// A server-database failure before anything was done: the client hears its cause ("the disk is
    /// full"); `/health` shows the whole reason (paths, SQLSTATE) to whoever runs the server.
    static func databaseUnavailable(_ error: any Error) -> APIError {
        APIError(.serviceUnavailable, "db_unavailable",
                 "the server database is unavailable (\(StorageCause.of(error))); nothing was done; GET /health names the reason")
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized",
                                       "missing or unknown API token; send Authorization: Bearer <token> (masker admin token prints one)")

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not_found", "no \(what) with this id in your account")
    }
}

/// JSON bodies from `JSONValue`, which keeps key order and exact integers.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(value.serializedBytes())
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }
}

extension Request {
    /// The body as a JSON object, with the size limit and parse errors mapped to API errors.
    mutating func jsonObject(limit: Int) async throws -> (value: JSONValue, bytes: [UInt8]) {
        let bytes = try await collectedBytes(limit: limit)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIError.badJSON(error)
        }
        guard case .object = value else {
            throw APIError(.badRequest, "invalid_json", "the request body must be a JSON object")
        }
        return (value, bytes)
    }

    mutating func collectedBytes(limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: limit)
        } catch is NIOTooManyBytesError {
            // A body longer than the limit with no Content-Length (chunked), or longer than its
            // Content-Length said, stops here instead of as an HTTPError.
            throw APIError.bodyTooLarge(limit: limit)
        }
    }
}
