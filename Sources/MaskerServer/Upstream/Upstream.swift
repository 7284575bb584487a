import Foundation
import MaskerCore
import NIOCore

/// Where an agent's masked requests go. Every upstream speaks OpenAI's chat-completions format.
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
    /// The masked request body, `model` already set.
    var body: JSONValue
    var stream: Bool
    /// The caller's `Authorization`, passed through when it sent one.
    var authorization: String?
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
            return APIError(.badGateway, "upstream_error", "the model could not be reached (\(reason)); check MASKER_OPENAI_BASE_URL")
        }
    }
}

/// `stub` or `openai:<model>`: what an agent's `upstream` field may say.
enum UpstreamName: Equatable {
    case stub
    case openAI(model: String)

    init?(_ text: String) {
        if text == "stub" { self = .stub; return }
        guard text.hasPrefix("openai:") else { return nil }
        let model = String(text.dropFirst("openai:".count))
        guard !model.isEmpty, model.allSatisfy({ !$0.isWhitespace }) else { return nil }
        self = .openAI(model: model)
    }

    static let help = "upstream must be \"stub\" or \"openai:<model>\" (e.g. openai:gpt-4o-mini)"
}
