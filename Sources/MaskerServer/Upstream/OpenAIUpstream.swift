import AsyncHTTPClient
import Foundation
import MaskerCore
import NIOCore
import NIOHTTP1

/// Any OpenAI-compatible server (`MASKER_OPENAI_BASE_URL`), or an Azure OpenAI deployment, through
/// async-http-client: the answer streams through as it arrives.
struct OpenAIUpstream: Upstream {
    /// The model's name; for Azure, the deployment's.
    let model: String
    let service: Service
    let client: HTTPClient

    /// Whose server it is: they differ in their URLs and in where the key goes.
    enum Service: Sendable {
        case openAI(baseURL: String, apiKey: String?)
        case azure(AzureOpenAISettings)
    }

    /// The URL a request to `endpoint` goes to. Azure's chat completions name the deployment in
    /// the path; its Responses API takes it as `model` (which the pipeline sets).
    func url(_ endpoint: UpstreamEndpoint) -> String {
        switch service {
        case let .openAI(baseURL, _):
            return baseURL + endpoint.path
        case let .azure(settings):
            let query = "?api-version=" + settings.apiVersion
            switch endpoint {
            case .chatCompletions: return settings.endpoint + "/openai/deployments/" + model + "/chat/completions" + query
            case .responses: return settings.endpoint + "/openai/responses" + query
            }
        }
    }

    /// The caller's own key when it sent one, else the server's: OpenAI's as a bearer token,
    /// Azure's in `api-key` (a caller's Entra bearer token passes as it came).
    func authenticate(_ headers: inout HTTPHeaders, _ credentials: CallerCredentials) {
        switch service {
        case let .openAI(_, apiKey):
            if let authorization = credentials.authorization {
                headers.add(name: "Authorization", value: authorization)
            } else if let apiKey {
                headers.add(name: "Authorization", value: "Bearer \(apiKey)")
            }
        case let .azure(settings):
            if let key = credentials.apiKey {
                headers.add(name: "api-key", value: key)
            } else if let authorization = credentials.authorization {
                headers.add(name: "Authorization", value: authorization)
            } else if let key = settings.apiKey {
                headers.add(name: "api-key", value: key)
            }
        }
    }

    /// The most of a whole (non-streamed) answer the proxy reads.
    static let maxAnswerBytes = 16 * 1024 * 1024

    func send(_ request: UpstreamRequest, on eventLoop: any EventLoop,
              cancellation: UpstreamCancellation) async throws(UpstreamFailure) -> UpstreamResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        if request.stream { headers.add(name: "Accept", value: "text/event-stream") }
        authenticate(&headers, request.credentials)
        let body = ByteBuffer(bytes: request.body.serializedBytes())
        let url = url(request.endpoint)
        return request.stream
            ? try await stream(url: url, headers: headers, body: body, cancellation: cancellation)
            : try await whole(url: url, headers: headers, body: body, on: eventLoop, cancellation: cancellation)
    }

    /// A whole answer, through async-http-client's future-based API rather than its async one: the
    /// async `execute` starts a task of its own for every request (to register it for
    /// cancellation) and hands the answer's head and its body to the caller's task one after the
    /// other, each a thread hand-off. Here the body is gathered on the event loop and the caller
    /// resumes once. Its connection is preferred on the event loop of the caller's own connection.
    private func whole(url: String, headers: HTTPHeaders, body: ByteBuffer, on eventLoop: any EventLoop,
                       cancellation: UpstreamCancellation) async throws(UpstreamFailure) -> UpstreamResponse {
        let outgoing: HTTPClient.Request
        do {
            outgoing = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .byteBuffer(body))
        } catch {
            throw .unreachable(Self.describe(error))
        }
        // async-http-client requires a preferred event loop to be one of its own (a server built
        // in a test may run on another group).
        let preference: HTTPClient.EventLoopPreference = client.eventLoopGroup.makeIterator().contains { $0 === eventLoop }
            ? .delegate(on: eventLoop) : .indifferent
        let task = client.execute(request: outgoing, delegate: ResponseAccumulator(request: outgoing, maxBodySize: Self.maxAnswerBytes),
                                  eventLoop: preference, logger: nil)
        cancellation.onCancel { task.cancel() }
        do {
            let response = try await task.futureResult.get()
            return .complete(status: Int(response.status.code), body: response.body.map { Array($0.readableBytesView) } ?? [])
        } catch {
            throw .unreachable(Self.describe(error))
        }
    }

    /// Server-sent events, through async-http-client's async API, whose body sequence passes the
    /// reader's pace back to the upstream connection.
    private func stream(url: String, headers: HTTPHeaders, body: ByteBuffer, cancellation: UpstreamCancellation) async throws(UpstreamFailure) -> UpstreamResponse {
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = .POST
        outgoing.headers = headers
        outgoing.body = .bytes(body)
        let prepared = outgoing
        let client = client
        // The async API stops on its task's cancellation, so the call runs in a task to cancel.
        // AHC wants a deadline; the caller's timeout cancels it sooner (UpstreamCall).
        let call = Task { try await client.execute(prepared, timeout: .hours(1)) }
        cancellation.onCancel { call.cancel() }
        let response: HTTPClientResponse
        do {
            response = try await call.value
        } catch {
            throw .unreachable(Self.describe(error))
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            do {
                let body = try await response.body.collect(upTo: Self.maxAnswerBytes)
                return .complete(status: status, body: Array(body.readableBytesView))
            } catch {
                throw .unreachable(Self.describe(error))
            }
        }
        let events = response.body
        return .stream(AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await buffer in events { continuation.yield(Array(buffer.readableBytesView)) }
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
