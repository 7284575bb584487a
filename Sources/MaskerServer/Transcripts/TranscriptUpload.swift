import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A recording sent to `POST /api/v1/transcripts`: either the audio as the body (`Content-Type:
/// audio/wav`, any `audio/*`, or `application/octet-stream`) with the options in the query string,
/// or `multipart/form-data` with the audio in a part named `file` and the options as other parts
/// (or in the query string). Deny by default: an option this endpoint does not know, or one given
/// twice, is refused, never ignored. Error messages name the option, never its value.
struct TranscriptUpload {
    var audio: [UInt8]
    var options: [String: String]

    static let optionNames = ["asr_provider", "diarize", "caller_speaks", "channel_map", "session", "agent_id", "redacted_audio"]

    /// `portalFields`: the form fields a portal page adds (its `csrf_token`), accepted as options
    /// beside the endpoint's own.
    static func read(_ request: Request, limit: Int, portalFields: Set<String> = []) async throws -> TranscriptUpload {
        var request = request
        // The boundary is case-sensitive: only the media type is compared in lower case.
        let contentType = request.headers[.contentType] ?? ""
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        var options: [String: String] = [:]
        let accepted = Set(optionNames).union(portalFields)
        for (name, value) in request.uri.queryParameters { try add(String(name), String(value), to: &options, accepted: accepted) }
        let body: [UInt8]
        do {
            body = try await request.collectedBytes(limit: limit)
        } catch let error as APIError where error.code == "body_too_large" {
            throw APIError(.contentTooLarge, "recording_too_large",
                           "the recording is larger than \(limit) bytes (MASKER_TRANSCRIPT_MAX_BYTES); split it or send it at a lower rate; nothing was kept")
        }
        if media == "multipart/form-data" {
            return try multipart(body, contentType: contentType, options: options, accepted: accepted)
        }
        guard media.hasPrefix("audio/") || media == "application/octet-stream" || media.isEmpty else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "send the recording as the body (Content-Type: audio/wav) or as multipart/form-data with a part named 'file'")
        }
        return TranscriptUpload(audio: body, options: options)
    }

    private static func add(_ name: String, _ value: String, to options: inout [String: String], accepted: Set<String>) throws(APIError) {
        guard accepted.contains(name) else {
            var error = APIError(.unprocessableContent, "unknown_option", "'\(name)' is not an option of this endpoint; use \(optionNames.joined(separator: ", "))")
            error.param = name
            throw error
        }
        guard options[name] == nil else {
            var error = APIError(.unprocessableContent, "duplicate_option", "'\(name)' is given twice; give it once")
            error.param = name
            throw error
        }
        options[name] = value
    }

    /// The parts of a `multipart/form-data` body (MultipartKit's parser): `file` is the audio,
    /// every other part an option.
    private static func multipart(_ body: [UInt8], contentType: String, options: [String: String], accepted: Set<String>) throws -> TranscriptUpload {
        guard let boundary = parameter("boundary", in: contentType), !boundary.isEmpty else {
            throw APIError(.badRequest, "invalid_multipart", "the multipart/form-data Content-Type has no boundary")
        }
        var parts: [(headers: [String: String], body: [UInt8])] = []
        var headers: [String: String] = [:]
        var content: [UInt8] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in content += buffer.readableBytesView }
        parser.onPartComplete = {
            parts.append((headers, content))
            headers = [:]
            content = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError(.badRequest, "invalid_multipart", "the multipart/form-data body does not parse; send it as a browser or curl -F does")
        }
        var options = options
        var audio: [UInt8]?
        for part in parts {
            guard let disposition = part.headers["content-disposition"], let name = parameter("name", in: disposition) else {
                throw APIError(.badRequest, "invalid_multipart", "a part has no Content-Disposition name; name the audio part 'file'")
            }
            if name == "file" {
                guard audio == nil else { throw APIError(.unprocessableContent, "duplicate_option", "send one recording per request (one part named 'file')") }
                audio = part.body
            } else {
                try add(name, String(decoding: part.body, as: UTF8.self), to: &options, accepted: accepted)
            }
        }
        guard let audio else {
            throw APIError(.unprocessableContent, "missing_recording", "the form has no part named 'file'; put the recording there (curl -F file=@call.wav)")
        }
        return TranscriptUpload(audio: audio, options: options)
    }

    /// `name=value` or `name="value"` from a header's parameters (`; boundary=…`, `; name="file"`).
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
