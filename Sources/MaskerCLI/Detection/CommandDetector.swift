import AsyncHTTPClient
import Logging
import MaskerCore
import MaskerServer
import Synchronization

/// Detection as `detect`, `mask` and `eval` run it: the policy's pipeline, with the `gemma` pass on
/// the LLM endpoint when `MASKER_GEMMA_URL` is set (the same client and checks as the server), so
/// an endpoint can be scored with `masker eval` before a server is pointed at it.
final class CommandDetector: Sendable {
    let pipeline: DetectionPipeline
    private let detector: TurnDetector
    private let client: HTTPClient?
    private let failures = Mutex<[String: Int]>([:])

    init(context: CommandContext, pipeline: DetectionPipeline) throws(CLIFailure) {
        self.pipeline = pipeline
        let configuration: GemmaEndpointConfiguration?
        do {
            configuration = try GemmaEndpointConfiguration.from(environment: context.environment)
        } catch {
            throw CLIFailure(.usage, error.description)
        }
        // Without an endpoint, or when the pass is off (`--passes regex`), nothing opens a socket.
        guard let configuration, !pipeline.gemmaKinds.isEmpty else {
            client = nil
            detector = TurnDetector()
            return
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        self.client = client
        detector = TurnDetector(endpoint: GemmaEndpoint(configuration: configuration, client: client,
                                                        logger: Logger(label: "masker.gemma", factory: { _ in SwiftLogNoOpLogHandler() })))
    }

    /// Runs `body` with a detector and closes its HTTP client afterwards, whatever happens.
    static func with<T>(context: CommandContext, pipeline: DetectionPipeline, _ body: (CommandDetector) async throws -> T) async throws -> T {
        let detector = try CommandDetector(context: context, pipeline: pipeline)
        return try await runThenClose({ try await body(detector) }, close: { await detector.close() })
    }

    /// Throws only past a deadline, which the CLI's detector does not set (a local file is the
    /// operator's own): the error still ends the command rather than pass text on unscanned.
    func detect(_ text: String) async throws(DetectionTimedOut) -> TurnDetector.Result {
        let result = try await detector.detect(text, pipeline: pipeline)
        if let failure = result.fallback { failures.withLock { $0[failure.reason, default: 0] += 1 } }
        return result
    }

    private func close() async {
        try? await client?.shutdown()
        let counts = failures.withLock { $0 }
        guard !counts.isEmpty else { return }
        let total = counts.values.reduce(0, +)
        let reasons = counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        Console.err("masker: the gemma endpoint failed for \(total) line(s) (\(reasons)); those lines used the embedded model")
    }
}
