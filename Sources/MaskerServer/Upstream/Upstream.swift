import Foundation
import MaskerCore
import HTTPTypes
import NIOCore

/// Where an agent's masked requests go. Every upstream speaks OpenAI's formats: chat completions,
/// and the Responses API where the model's server serves it.
/// `send` returns with the whole answer, or with a stream as soon as the answer's head arrives;
/// the caller bounds it by `MASKER_UPSTREAM_TIMEOUT_MS` and cancels it when the client goes
/// (`UpstreamCall`, through `cancellation`). `eventLoop` is the caller's connection's: work kept
/// there needs no hand-off between threads.
protocol Upstream: Sendable {
    /// The model name reported by `/v1/models` and forced into every request.
    var model: String { get }
    func send(_ request: UpstreamRequest, on eventLoop: any EventLoop,
              cancellation: UpstreamCancellation) async throws(UpstreamFailure) -> UpstreamResponse
}

struct UpstreamRequest: Sendable {
    var endpoint: UpstreamEndpoint
    /// The masked request body, `model` already set.
    var body: JSONValue
    var stream: Bool
    /// The caller's own key, passed through when it sent one.
    var credentials: CallerCredentials
}

/// The route of the model's server a request goes to.
enum UpstreamEndpoint: Sendable {
    case chatCompletions
    case responses

    /// Its path under an OpenAI-compatible base URL (`…/v1`).
    var path: String {
        switch self {
        case .chatCompletions: "/chat/completions"
        case .responses: "/responses"
        }
    }
}

/// The model credentials a caller sent with its request: its `Authorization` (OpenAI's, or an
/// Azure bearer token) and an Azure `api-key`. Passed to the model's server as they are, never
/// logged or recorded.
struct CallerCredentials: Sendable {
    var authorization: String?
    var apiKey: String?

    init(authorization: String? = nil, apiKey: String? = nil) {
        self.authorization = authorization
        self.apiKey = apiKey
    }

    init(_ headers: HTTPFields) {
        self.init(authorization: headers[.authorization], apiKey: headers[Self.apiKeyHeader])
    }

    static let apiKeyHeader = HTTPField.Name("api-key")!
}

enum UpstreamResponse: Sendable {
    /// A whole answer (non-streaming), or an error answer of any status.
    case complete(status: Int, body: [UInt8])
    /// Server-sent events, as they arrive.
    case stream(AsyncThrowingStream<[UInt8], any Error>)
}

enum UpstreamFailure: Error, Sendable {
    /// No answer (its first byte, when streaming) within `MASKER_UPSTREAM_TIMEOUT_MS`.
    case timeout
    /// Could not connect, or the connection failed.
    case unreachable(String)

    var apiError: APIError {
        switch self {
        case .timeout:
            return APIError(.gatewayTimeout, "upstream_timeout", "the model did not answer within MASKER_UPSTREAM_TIMEOUT_MS; try again or raise the limit")
        case let .unreachable(reason):
            return APIError(.badGateway, "upstream_error", "the model could not be reached (\(reason)); check MASKER_OPENAI_BASE_URL or MASKER_AZURE_OPENAI_ENDPOINT")
        }
    }
}

/// `stub`, `openai:<model>` or `azure-openai:<deployment>`: what an agent's `upstream` field may say.
enum UpstreamName: Equatable {
    case stub
    case openAI(model: String)
    case azureOpenAI(deployment: String)

    init?(_ text: String) {
        if text == "stub" { self = .stub; return }
        if let model = Self.name(text, after: "openai:") {
            self = .openAI(model: model)
        } else if let deployment = Self.name(text, after: "azure-openai:"), Self.isDeploymentName(deployment) {
            self = .azureOpenAI(deployment: deployment)
        } else {
            return nil
        }
    }

    /// Whether requests must name this model (or none): true for a real model's server.
    var pinsModel: Bool { self != .stub }

    private static func name(_ text: String, after prefix: String) -> String? {
        guard text.hasPrefix(prefix) else { return nil }
        let name = String(text.dropFirst(prefix.count))
        guard !name.isEmpty, name.allSatisfy({ !$0.isWhitespace }) else { return nil }
        return name
    }

    /// An Azure deployment name goes into a URL path: letters, digits, `-`, `_`, `.` only.
    private static func isDeploymentName(_ name: String) -> Bool {
        name.count <= 64 && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    static let help = "upstream must be \"stub\", \"openai:<model>\" (e.g. openai:gpt-4o-mini) or \"azure-openai:<deployment>\" (e.g. azure-openai:gpt-4o-clinic)"
}
