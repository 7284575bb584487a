import AsyncHTTPClient
import Foundation
import Logging
import MaskerCore
@testable import MaskerServer
import MaskerTestSupport
import Testing

/// The `gemma` pass on an LLM endpoint, against a fake one on loopback.
@Suite(.serialized)
struct GemmaEndpointTests {
    static let name = "Zorblat Quenby"
    let kinds: Set<EntityKind> = [.name, .address]

    func endpoint(_ fake: FakeGemmaEndpoint, timeout: Duration = .seconds(5), url: String? = nil) -> GemmaEndpoint {
        GemmaEndpoint(configuration: GemmaEndpointConfiguration(chatCompletionsURL: url ?? fake.baseURL + "/chat/completions", model: "gemma-fake",
                                                                timeout: timeout),
                      client: HTTPClient.shared, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func spansAreCheckedAgainstTheTextAndAnswersAreCached() async throws {
        let fake = try await FakeGemmaEndpoint(.names([Self.name]))
        let gemma = endpoint(fake)
        let texts = ["hi this is zorblat quenby calling", "no names here", "4155552671", "hi this is zorblat quenby calling"]
        let spans = try await gemma.spans(for: texts, kinds: kinds)
        // The invented name and the wrongly placed copy are dropped; the real one is found in place.
        #expect(spans[0] == [Candidate(kind: .name, start: 11, end: 25, confidence: LLMSpanReply.defaultConfidence)])
        #expect(spans[1].isEmpty && spans[2].isEmpty && spans[3] == spans[0])
        // Digits alone are not sent; a text said twice is asked about once.
        #expect(fake.itemsAsked == [["hi this is zorblat quenby calling", "no names here"]])
        #expect(fake.requests[0]["model"] == .string("gemma-fake"))
        // The next turn repeats the history: only the new text goes to the model.
        let next = try await gemma.spans(for: ["hi this is zorblat quenby calling", "my friend zorblat quenby too"], kinds: kinds)
        #expect(next[1].map(\.start) == [10])
        #expect(fake.itemsAsked.last == ["my friend zorblat quenby too"])
        #expect(fake.requestCount == 2)
        await fake.stop()
    }

    @Test func aLongTurnIsSentInBoundedBatchesAndAnsweredInOrder() async throws {
        let fake = try await FakeGemmaEndpoint(.names([Self.name]))
        let texts = (0..<40).map { $0 % 3 == 0 ? "message \($0) from zorblat quenby" : "message \($0) with nobody" }
        let spans = try await endpoint(fake).spans(for: texts, kinds: kinds)
        #expect(fake.requestCount == 3)
        #expect(fake.itemsAsked.allSatisfy { $0.count <= GemmaEndpoint.batchItems })
        #expect(fake.itemsAsked.flatMap { $0 }.sorted() == texts.sorted())
        for (index, found) in spans.enumerated() { #expect(found.count == (index % 3 == 0 ? 1 : 0), "text \(index)") }
        await fake.stop()
    }

    @Test(arguments: [
        (FakeGemmaEndpoint.Mode.stall, "timeout"), (.fail(500), "http_500"), (.fail(404), "http_404"), (.prose, "invalid_reply"),
    ])
    func failuresSayWhatWentWrongAndNeverQuoteTheText(_ mode: FakeGemmaEndpoint.Mode, _ reason: String) async throws {
        let fake = try await FakeGemmaEndpoint(mode)
        let started = ContinuousClock.now
        // A short bound only where the fake stalls: the others answer at once, and a cold CI machine
        // running the suite in parallel can take longer than 150 ms to connect.
        let stalls = if case .stall = mode { true } else { false }
        await #expect {
            _ = try await endpoint(fake, timeout: stalls ? .milliseconds(150) : .seconds(5)).spans(for: ["this is zorblat quenby"], kinds: kinds)
        } throws: { error in
            guard let failure = error as? GemmaEndpointFailure else { return false }
            return failure.reason == reason && !failure.description.lowercased().contains("zorblat")
        }
        // The stalled call was abandoned at the deadline, not after the fake's 5 s.
        #expect(ContinuousClock.now - started < .seconds(4))
        await fake.stop()
    }

    @Test func anEndpointThatIsNotListeningIsUnreachable() async throws {
        let fake = try await FakeGemmaEndpoint(.names([]))
        // Port 1 (tcpmux) is not served on a test machine: the connection is refused at once.
        await #expect(throws: GemmaEndpointFailure.unreachable) {
            _ = try await endpoint(fake, timeout: .seconds(1), url: "http://127.0.0.1:1/v1/chat/completions").spans(for: ["this is bob"], kinds: kinds)
        }
        #expect(fake.requestCount == 0)
        await fake.stop()
    }

    @Test func theTurnDetectorFallsBackToTheEmbeddedModel() async throws {
        let fake = try await FakeGemmaEndpoint(.stall)
        let detector = TurnDetector(endpoint: endpoint(fake, timeout: .milliseconds(100)))
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        let result = try await detector.detect("hi um this is maria lopez calling about my refill", pipeline: pipeline)
        #expect(result.fallback == .timeout)
        #expect(result.detections[0].map(\.text) == ["maria lopez"])
        #expect(result.detections[0].map(\.backend) == [.embedded])
        // With the pass left out, the endpoint is not asked at all.
        let regexOnly = DetectionPipeline(policy: .healthcareDefault, options: DetectionOptions(passes: [.regex]))
        let skipped = try await detector.detect("this is maria lopez", pipeline: regexOnly)
        #expect(skipped.fallback == nil && fake.requestCount == 1)
        await fake.stop()
    }

    @Test func theConfigurationNamesTheVariableToFix() throws {
        #expect(try GemmaEndpointConfiguration.from(environment: [:]) == nil)
        let full = try #require(try GemmaEndpointConfiguration.from(environment: [
            "MASKER_GEMMA_URL": "http://127.0.0.1:11434/v1/", "MASKER_GEMMA_MODEL": "gemma3:4b", "MASKER_DETECTION_TIMEOUT_MS": "350",
        ]))
        #expect(full.chatCompletionsURL == "http://127.0.0.1:11434/v1/chat/completions")
        #expect(full.timeout == .milliseconds(350) && full.model == "gemma3:4b" && full.apiKey == nil)
        let direct = try GemmaEndpointConfiguration.from(environment: [
            "MASKER_GEMMA_URL": "http://h:8080/v1/chat/completions", "MASKER_GEMMA_MODEL": "m", "MASKER_GEMMA_API_KEY": "k",
        ])
        #expect(direct?.chatCompletionsURL == "http://h:8080/v1/chat/completions" && direct?.timeout == .milliseconds(200))
        for (environment, variable) in [
            (["MASKER_GEMMA_URL": "http://h/v1"], "MASKER_GEMMA_MODEL"),
            (["MASKER_GEMMA_MODEL": "m"], "MASKER_GEMMA_URL"),
            (["MASKER_GEMMA_URL": "ftp://user:secret@h/v1", "MASKER_GEMMA_MODEL": "m"], "MASKER_GEMMA_URL"),
            (["MASKER_DETECTION_TIMEOUT_MS": "0"], "MASKER_DETECTION_TIMEOUT_MS"),
            (["MASKER_DETECTION_TIMEOUT_MS": "soon"], "MASKER_DETECTION_TIMEOUT_MS"),
        ] {
            #expect { try GemmaEndpointConfiguration.from(environment: environment) } throws: { error in
                let message = "\(error)"
                return message.contains(variable) && !message.contains("secret")
            }
        }
        // The server refuses to start on the same mistakes.
        #expect(throws: ServerConfiguration.Invalid.self) { try ServerConfiguration.from(environment: ["MASKER_GEMMA_URL": "http://h/v1"]) }
    }

    /// A call's earlier messages are masked from how they were masked the first time
    /// (`CallHistory`), except one whose turn fell back to the embedded model: once the endpoint
    /// answers again, that message is asked about again, and what it finds is masked.
    @Test func aMessageMaskedWithoutTheEndpointIsAskedAboutAgainOnceItAnswers() async throws {
        let fake = try await FakeGemmaEndpoint(.recovering(failures: 1, names: [Self.name]))
        let upstream = try await FakeUpstream()
        let server = try await TestServer {
            $0.openAIBaseURL = upstream.baseURL
            $0.gemmaEndpoint = GemmaEndpointConfiguration(chatCompletionsURL: fake.baseURL + "/chat/completions", model: "gemma-fake",
                                                          timeout: .seconds(5))
        }
        let agent = try await server.createAgent(.object([("name", .string("again")), ("upstream", .string("openai:fake-model"))]),
                                                 token: try await server.token())
        func user(_ text: String) -> JSONValue { .object([("role", .string("user")), ("content", .string(text))]) }
        let first = "hello, this is zorblat quenby about my appointment"
        var messages = [user(first)]
        let session = ["Masker-Session-Id": "call-recovering"]
        #expect(try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]),
                                      headers: session).status == 200)
        messages += [.object([("role", .string("assistant")), ("content", .string("How can I help?"))]), user("I need a refill")]
        #expect(try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]),
                                      headers: session).status == 200)
        #expect(fake.itemsAsked == [[first], [first, "How can I help?", "I need a refill"]])
        let secondTurn = try #require(upstream.received.withLock { $0.last })
        #expect(!String(decoding: secondTurn, as: UTF8.self).lowercased().contains("zorblat"))
        // Answered this time, so the next turn masks it from the history and asks about the new message only.
        messages += [.object([("role", .string("assistant")), ("content", .string("Which one?"))]), user("the blue pills")]
        #expect(try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]),
                                      headers: session).status == 200)
        #expect(fake.itemsAsked.last == ["Which one?", "the blue pills"])
        try await server.stop()
        await upstream.stop()
        await fake.stop()
    }

    @Test func theProxyMasksWhatTheEndpointFindsAndRecordsAFallback() async throws {
        let fake = try await FakeGemmaEndpoint(.names([Self.name]))
        let upstream = try await FakeUpstream()
        let server = try await TestServer {
            $0.openAIBaseURL = upstream.baseURL
            $0.gemmaEndpoint = GemmaEndpointConfiguration(chatCompletionsURL: fake.baseURL + "/chat/completions", model: "gemma-fake",
                                                          timeout: .seconds(5))
        }
        let token = try await server.token()
        let detect = try await server.call(.POST, "/api/v1/detect", json: .object([("text", .string("this is zorblat quenby"))]), token: token)
        #expect(detect.json["events"]?[0]?["backend"] == .string("llm"))
        #expect(detect.json["events"]?[0]?["span"] == .array([.int(8), .int(22)]))

        let agent = try await server.createAgent(.object([("name", .string("llm")), ("upstream", .string("openai:fake-model"))]), token: token)
        let first = "hello, this is zorblat quenby about my appointment"
        var messages: [JSONValue] = [.object([("role", .string("user")), ("content", .string(first))])]
        var reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]))
        #expect(reply.status == 200)
        #expect(reply.json["choices"]?[0]?["message"]?["content"]?.stringValue == "You said: " + first)
        // The whole conversation comes again with the next turn; only the new message is asked about.
        messages += [.object([("role", .string("assistant")), ("content", .string("How can I help?"))]),
                     .object([("role", .string("user")), ("content", .string("please tell zorblat quenby's doctor"))])]
        reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]))
        #expect(reply.status == 200)
        #expect(fake.itemsAsked.suffix(1) == [["How can I help?", "please tell zorblat quenby's doctor"]])
        #expect(!upstream.receivedText.lowercased().contains("zorblat"))
        try await server.stop()

        // A stalled endpoint: the turn still goes through, masked by the embedded model, on the record.
        let stalled = try await FakeGemmaEndpoint(.stall)
        let fallback = try await TestServer {
            $0.openAIBaseURL = upstream.baseURL
            $0.gemmaEndpoint = GemmaEndpointConfiguration(chatCompletionsURL: stalled.baseURL + "/chat/completions", model: "gemma-fake",
                                                          timeout: .milliseconds(100))
        }
        let adminToken = try await fallback.token()
        let other = try await fallback.createAgent(.object([("name", .string("slow")), ("upstream", .string("openai:fake-model"))]), token: adminToken)
        let turn = "hi um this is maria lopez calling about my refill"
        reply = try await fallback.call(.POST, "/proxy/\(other)/v1/chat/completions",
                                        json: .object([("messages", .array([.object([("role", .string("user")), ("content", .string(turn))])]))]))
        #expect(reply.status == 200)
        #expect(!upstream.receivedText.contains("maria lopez"))
        let log = try String(contentsOfFile: fallback.auditPath, encoding: .utf8)
        let event = try #require(log.split(separator: "\n").first { $0.contains("detection_fallback") })
        #expect(event.contains("\"reason\":\"timeout\"") && event.contains("\"used\":\"embedded\""))
        #expect(!log.contains("maria") && !log.contains("zorblat"))
        let health = try await fallback.call(.GET, "/health")
        #expect(health.json["components"]?["gemma_endpoint"]?["detail"]?.stringValue?.contains("timeout") == true)
        for line in fallback.logs.lines { #expect(!line.contains("maria")) }
        try await fallback.stop()
        await stalled.stop()
        await upstream.stop()
        await fake.stop()
    }
}
