import AsyncHTTPClient
import Foundation
import MaskerCore
import NIOCore
import NIOHTTP1

/// Any OpenAI-compatible chat-completions server (`MASKER_OPENAI_BASE_URL`), through
/// async-http-client: the answer streams through as it arrives.
struct OpenAIUpstream: Upstream {
    let model: String
    let baseURL: String
    let apiKey: String?
    let client: HTTPClient

    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        var outgoing = HTTPClientRequest(url: baseURL + "/chat/completions")
        outgoing.method = .POST
        outgoing.headers.add(name: "Content-Type", value: "application/json")
        if request.stream { outgoing.headers.add(name: "Accept", value: "text/event-stream") }
        if let authorization = request.authorization {
            outgoing.headers.add(name: "Authorization", value: authorization)
        } else if let apiKey {
            outgoing.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body.serializedBytes()))
        let response: HTTPClientResponse
        let prepared = outgoing
        do {
            // The caller's timeout cancels this task sooner (UpstreamCall); AHC wants a deadline.
            response = try await client.execute(prepared, timeout: .hours(1))
        } catch {
            throw .unreachable(Self.describe(error))
        }
        let status = Int(response.status.code)
        if !request.stream || !(200..<300).contains(status) {
            do {
                let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
                return .complete(status: status, body: Array(body.readableBytesView))
            } catch {
                throw .unreachable(Self.describe(error))
            }
        }
        let body = response.body
        return .stream(AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await buffer in body { continuation.yield(Array(buffer.readableBytesView)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            // The client went away: stop reading, which cancels the upstream request.
            continuation.onTermination = { _ in task.cancel() }
        })
    }

    /// A reason safe to show: the kind of failure, never a URL with credentials or a body.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: type(of: error))
    }
}
