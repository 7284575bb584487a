import AsyncHTTPClient
import Logging
import MaskerCore
import NIOCore
import Synchronization

/// Why the LLM back end gave no answer for a turn. `reason` goes into the `detection_fallback`
/// audit event and the log: it names what failed, never what the turn said or the model answered.
public enum GemmaEndpointFailure: Error, Equatable, CustomStringConvertible {
    case timeout
    case unreachable
    case status(Int)
    case invalidReply(LLMSpanReply.Invalid)

    public var reason: String {
        switch self {
        case .timeout: "timeout"
        case .unreachable: "unreachable"
        case let .status(code): "http_\(code)"
        case .invalidReply: "invalid_reply"
        }
    }

    public var description: String {
        switch self {
        case .timeout: "the gemma endpoint did not answer within MASKER_DETECTION_TIMEOUT_MS"
        case .unreachable: "the gemma endpoint could not be reached; check MASKER_GEMMA_URL"
        case let .status(code): "the gemma endpoint answered HTTP \(code); check MASKER_GEMMA_URL and MASKER_GEMMA_MODEL"
        case let .invalidReply(invalid): invalid.description
        }
    }
}

/// The `gemma` pass on an OpenAI-compatible chat endpoint (`MASKER_GEMMA_URL`): asks the model for
/// spans in a turn's texts, a batch per request, and checks every span against the text.
public final class GemmaEndpoint: Sendable {
    public let configuration: GemmaEndpointConfiguration
    let client: HTTPClient
    let cache: GemmaSpanCache
    let logger: Logger
    private let lastOutcome = Mutex<GemmaEndpointFailure?>(nil)

    /// How the most recent call ended (nil: it answered, or there has been none), for `/health`.
    public var lastFailure: GemmaEndpointFailure? { lastOutcome.withLock { $0 } }

    /// A request carries at most this many texts and bytes: a model's context and attention are
    /// better spent on a few messages at a time, and the batches of one turn run concurrently.
    static let batchItems = 16
    static let batchBytes = 12 * 1024
    static let maxReplyBytes = 1024 * 1024

    public init(configuration: GemmaEndpointConfiguration, client: HTTPClient, logger: Logger, cacheCapacity: Int = 4096) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        cache = GemmaSpanCache(capacity: cacheCapacity)
    }

    /// Spans for each text, within `configuration.timeout` for the whole turn: every text gets an
    /// answer, or the call throws and the turn falls back.
    public func spans(for texts: [String], kinds: Set<EntityKind>) async throws(GemmaEndpointFailure) -> [[Candidate]] {
        var answers: [[Candidate]?] = Array(repeating: nil, count: texts.count)
        var pending: [String] = []
        var pendingIndex: [String: Int] = [:]
        for (index, text) in texts.enumerated() {
            // Text without a letter names nobody; a text already read is answered from the cache.
            if !text.unicodeScalars.contains(where: \.properties.isAlphabetic) {
                answers[index] = []
            } else if let cached = cache.spans(for: GemmaSpanCache.key(text, kinds: kinds)) {
                answers[index] = cached
            } else if pendingIndex[text] == nil {
                pendingIndex[text] = pending.count
                pending.append(text)
            }
        }
        if !pending.isEmpty {
            let batches = Self.batches(pending).map { Array(pending[$0]) }
            let fresh: [[Candidate]]
            do {
                // The client's deadline (below) is the bound; this one is a backstop, a little
                // later, so the client always gets to say what it saw.
                fresh = try await withDeadline(configuration.timeout + Self.backstop(configuration.timeout),
                                               timeoutError: { GemmaEndpointFailure.timeout }) { [self] in
                    try await withThrowingTaskGroup(of: (Int, [[Candidate]]).self) { group in
                        for (number, batch) in batches.enumerated() {
                            group.addTask { (number, try await self.ask(batch, kinds: kinds)) }
                        }
                        var results = Array(repeating: [[Candidate]](), count: batches.count)
                        for try await (number, spans) in group { results[number] = spans }
                        return results.flatMap { $0 }
                    }
                }
            } catch let failure as GemmaEndpointFailure {
                lastOutcome.withLock { $0 = failure }
                throw failure
            } catch {
                lastOutcome.withLock { $0 = .unreachable }
                throw .unreachable
            }
            lastOutcome.withLock { $0 = nil }
            for (text, spans) in zip(pending, fresh) { cache.store(spans, for: GemmaSpanCache.key(text, kinds: kinds)) }
            for index in texts.indices where answers[index] == nil {
                answers[index] = fresh[pendingIndex[texts[index]]!]
            }
        }
        return answers.map { $0 ?? [] }
    }

    /// How long after the client's deadline the turn gives up on it regardless: a quarter of the
    /// timeout, at least 50 ms.
    static func backstop(_ timeout: Duration) -> Duration { max(.milliseconds(50), timeout / 4) }

    /// Consecutive runs of texts, each within `batchItems` and (a single long text apart) `batchBytes`.
    static func batches(_ texts: [String]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0, bytes = 0
        for (index, text) in texts.enumerated() {
            let size = text.utf8.count
            if index > start, index - start >= batchItems || bytes + size > batchBytes {
                ranges.append(start..<index)
                start = index
                bytes = 0
            }
            bytes += size
        }
        if start < texts.count { ranges.append(start..<texts.count) }
        return ranges
    }

    /// One request: the batch's texts in, checked spans out.
    private func ask(_ items: [String], kinds: Set<EntityKind>) async throws -> [[Candidate]] {
        var request = HTTPClientRequest(url: configuration.chatCompletionsURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let body = LLMSpanPrompt.body(model: configuration.model, items: items, kinds: kinds)
        request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            // The client's deadline is the turn's bound. At the deadline it reports what it saw:
            // a refused connection (which it retries until then, async-http-client issue #743)
            // as a connection error, a slow model as `deadlineExceeded`.
            response = try await client.execute(request, deadline: NIODeadline.now() + TimeAmount(configuration.timeout))
            bytes = try await response.body.collect(upTo: Self.maxReplyBytes)
        } catch is CancellationError {
            throw GemmaEndpointFailure.timeout
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw GemmaEndpointFailure.timeout
        } catch {
            if Task.isCancelled { throw GemmaEndpointFailure.timeout }
            logger.debug("gemma endpoint call failed", metadata: ["error": .string(String(describing: type(of: error)))])
            throw GemmaEndpointFailure.unreachable
        }
        guard (200..<300).contains(Int(response.status.code)) else { throw GemmaEndpointFailure.status(Int(response.status.code)) }
        do {
            let reply = try LLMSpanReply.parse(chatCompletion: Array(bytes.readableBytesView), items: items, kinds: kinds)
            if reply.dropped > 0 {
                logger.debug("gemma endpoint: dropped spans that were not in the text", metadata: ["dropped": .stringConvertible(reply.dropped)])
            }
            return reply.candidates
        } catch {
            throw GemmaEndpointFailure.invalidReply(error)
        }
    }
}
