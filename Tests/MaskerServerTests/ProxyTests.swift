import AsyncHTTPClient
import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Synchronization
import Testing

/// The proxy end to end over loopback: a real server, a fake upstream that records every byte.
@Suite(.serialized)
struct ProxyTests {
    /// Development-set turns with the PHI detection finds: the values that must never reach the
    /// upstream. Turns that say one value in two forms ("haddad … h a d d a d") are left out of this
    /// byte-for-byte corpus: one value has one token, which comes back in the form first stored
    /// (VaultDeterministicSchemeTests checks that behaviour).
    static func corpus() throws -> [(text: String, values: [String])] {
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        var turns: [(String, [String])] = []
        for line in try Repository.text("data/devset/devset.jsonl").split(separator: "\n") {
            guard let text = (try JSONParser.parse(String(line)))["text"]?.stringValue else { continue }
            let detections = pipeline.detect(text)
            let forms = Dictionary(grouping: detections) { "\($0.kind.rawValue)|\(ValueNormalizer.normalize($0.text, kind: $0.kind))" }
            if forms.values.contains(where: { Set($0.map(\.text)).count > 1 }) { continue }
            let values = detections.map(\.text).filter { $0.count >= 4 }
            if !values.isEmpty { turns.append((text, values)) }
        }
        return turns
    }

    static func sse(_ body: String) -> (content: String, arguments: String, chunks: Int) {
        var content = "", arguments = "", chunks = 0
        for event in body.components(separatedBy: "\n\n") where event.hasPrefix("data: ") {
            let data = String(event.dropFirst(6))
            guard data != "[DONE]", let chunk = try? JSONParser.parse(data), case let .array(choices)? = chunk["choices"] else { continue }
            chunks += 1
            for choice in choices {
                content += choice["delta"]?["content"]?.stringValue ?? ""
                if case let .array(calls)? = choice["delta"]?["tool_calls"] {
                    for call in calls { arguments += call["function"]?["arguments"]?.stringValue ?? "" }
                }
            }
        }
        return (content, arguments, chunks)
    }

    @Test func noDetectedPHIReachesTheUpstreamAndAnswersComeBackByteForByte() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let turns = try Self.corpus().prefix(60)
        #expect(turns.count >= 40)
        for (index, turn) in turns.enumerated() {
            let stream = index % 2 == 1
            let request = JSONValue.object([
                ("model", .string("fake-model")), ("stream", .bool(stream)), ("x_unknown_field", .object([("kept", .bool(true))])),
                ("messages", .array([
                    .object([("role", .string("system")), ("content", .string("You are a scheduling assistant."))]),
                    .object([("role", .string("user")), ("content", .string(turn.text))]),
                ])),
            ])
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: request,
                                              headers: ["Masker-Session-Id": "call-\(index)"])
            #expect(reply.status == 200, "\(reply.text)")
            let answer = stream ? Self.sse(reply.text).content : reply.json["choices"]?[0]?["message"]?["content"]?.stringValue
            #expect(answer == "You said: " + turn.text)
        }
        let seen = upstream.receivedText
        for turn in turns {
            for value in turn.values {
                #expect(!seen.contains(value), "a detected value reached the upstream")
            }
        }
        #expect(seen.contains("\"x_unknown_field\":{\"kept\":true}"))
        #expect(seen.contains("MSK"))
        try await server.stop()
        await upstream.stop()
    }

    @Test func toolCallsAndToolDescriptionsAreMaskedAndArgumentsRestoredAsValidJSON() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("tools")), ("upstream", .string("openai:fake-model"))]), token: token)
        let phi = "call \"me\" at 415-555-2671, email sarah.chen@gmail.com"
        for stream in [false, true] {
            let request = JSONValue.object([
                ("stream", .bool(stream)),
                ("messages", .array([
                    .object([("role", .string("user")), ("content", .array([.object([("type", .string("text")), ("text", .string(phi))])]))]),
                    .object([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([.object([
                        ("id", .string("call_0")), ("type", .string("function")),
                        ("function", .object([("name", .string("lookup")), ("arguments", .string("{\"phone\":\"(212) 555-0143\"}"))])),
                    ])]))]),
                    .object([("role", .string("user")), ("content", .string(phi))]),
                ])),
                ("tools", .array([.object([("type", .string("function")), ("function", .object([
                    ("name", .string("book")), ("description", .string("books for patient at 617-555-0199")),
                    ("parameters", .object([("type", .string("object")), ("properties", .object([("text", .object([
                        ("type", .string("string")), ("description", .string("ssn 536-22-1234 for example")),
                    ]))]))])),
                ]))])])),
            ])
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: request)
            #expect(reply.status == 200, "\(reply.text)")
            let arguments = stream ? Self.sse(reply.text).arguments
                : reply.json["choices"]?[0]?["message"]?["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue ?? ""
            let parsed = try JSONParser.parse(arguments)
            #expect(parsed["text"]?.stringValue == phi)
        }
        let seen = upstream.receivedText
        for value in ["415-555-2671", "sarah.chen@gmail.com", "(212) 555-0143", "617-555-0199", "536-22-1234"] {
            #expect(!seen.contains(value), "\(value) reached the upstream")
        }
        try await server.stop()
        await upstream.stop()
    }

    @Test func errorsUseOpenAIsShapeAndDocumentedCodes() async throws {
        let failing = try await FakeUpstream(mode: .fail(500))
        let stalling = try await FakeUpstream(mode: .stall)
        let server = try await TestServer {
            $0.openAIBaseURL = failing.baseURL
            $0.rateLimitPerMinute = 2
            $0.upstreamTimeout = .milliseconds(300)
        }
        let token = try await server.token()
        let body = JSONValue.object([("messages", .array([.object([("role", .string("user")), ("content", .string("hi"))])]))])

        let missing = try await server.call(.POST, "/proxy/agt_nope/v1/chat/completions", json: body)
        #expect(missing.status == 404)
        #expect(missing.json["error"]?["code"]?.stringValue == "agent_not_found")
        #expect(missing.json["error"]?["request_id"]?.stringValue?.hasPrefix("req_") == true)

        let agent = try await server.createAgent(.object([("name", .string("a")), ("upstream", .string("openai:m1"))]), token: token)
        let wrongModel = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions",
                                               json: .object([("model", .string("other"))] + (body.objectFields)))
        #expect(wrongModel.status == 422)
        #expect(wrongModel.json["error"]?["code"]?.stringValue == "model_not_allowed")

        let badGateway = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: body)
        #expect(badGateway.status == 502)
        #expect(badGateway.json["error"]?["code"]?.stringValue == "upstream_error")

        let limited = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: body)
        #expect(limited.status == 429)
        #expect(limited.json["error"]?["code"]?.stringValue == "rate_limited")
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)

        let badJSON = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", raw: "{not json")
        #expect([400, 429].contains(badJSON.status))
        try await server.stop()

        let slow = try await TestServer { $0.openAIBaseURL = stalling.baseURL; $0.upstreamTimeout = .milliseconds(300) }
        let slowAgent = try await slow.createAgent(.object([("name", .string("s")), ("upstream", .string("openai:m"))]), token: try await slow.token())
        let timeout = try await slow.call(.POST, "/proxy/\(slowAgent)/v1/chat/completions", json: body)
        #expect(timeout.status == 504)
        #expect(timeout.json["error"]?["code"]?.stringValue == "upstream_timeout")
        try await slow.stop()
        await failing.stop()
        await stalling.stop()
    }

    /// Reloads swap the policy while turns are in flight: every turn finishes on one policy or the
    /// other, none fails or leaks, and the audit chain records each reload and still holds.
    @Test func policyReloadUnderLoadLosesNothing() async throws {
        let upstream = try await FakeUpstream()
        let version = Mutex(1)
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }, loader: {
            var policy = Policy.healthcareDefault
            policy.version = version.withLock { $0 += 1; return $0 }
            return policy
        })
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("load")), ("upstream", .string("openai:m"))]), token: token)
        let turns = Array(try Self.corpus().prefix(40))
        let reloads = 15
        let (answers, versions) = try await withThrowingTaskGroup(of: (Int, Bool)?.self) { group -> ([Bool], [Int]) in
            for worker in 0..<4 {
                group.addTask {
                    for (index, turn) in turns.enumerated() where index % 4 == worker {
                        let request = JSONValue.object([("stream", .bool(index % 3 == 0)), ("messages", .array([
                            .object([("role", .string("user")), ("content", .string(turn.text))]),
                        ]))])
                        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: request,
                                                          headers: ["Masker-Session-Id": "load-\(index)"])
                        let answer = index % 3 == 0 ? Self.sse(reply.text).content : reply.json["choices"]?[0]?["message"]?["content"]?.stringValue
                        guard reply.status == 200, answer == "You said: " + turn.text else { return (index, false) }
                    }
                    return nil
                }
            }
            group.addTask {
                for _ in 0..<reloads {
                    let reply = try await server.call(.POST, "/api/v1/admin/policy/reload", token: token)
                    guard reply.status == 200 else { return (-1, false) }
                    try await Task.sleep(for: .milliseconds(5))
                }
                return (-2, true)
            }
            var answers: [Bool] = [], versions: [Int] = []
            for try await result in group {
                if let (index, ok) = result {
                    if index == -2 { versions.append(reloads) } else { answers.append(ok) }
                }
            }
            return (answers, versions)
        }
        #expect(answers.isEmpty, "a turn failed or came back changed during reloads")
        #expect(versions == [reloads])
        #expect(version.withLock { $0 } == 1 + reloads)
        let seen = upstream.receivedText
        for turn in turns { for value in turn.values { #expect(!seen.contains(value)) } }
        let audit = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        #expect(audit.components(separatedBy: "policy_reloaded").count - 1 == reloads)
        let verified = try await server.call(.POST, "/api/v1/audit/verify", token: token)
        #expect(verified.json["holds"] == .bool(true))
        try await server.stop()
        await upstream.stop()
    }

    @Test func aClientThatHangsUpCancelsTheUpstreamCall() async throws {
        let stalling = try await FakeUpstream(mode: .stall)
        let server = try await TestServer { $0.openAIBaseURL = stalling.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("h")), ("upstream", .string("openai:m"))]), token: token)
        let body = JSONValue.object([("messages", .array([.object([("role", .string("user")), ("content", .string("hello"))])]))])
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) {
            _ = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: body, headers: ["Masker-Session-Id": "hangup"],
                                      timeout: .milliseconds(300))
        }
        // The fake stalls for 5 s; Masker must stop waiting as soon as the client is gone.
        var status: String?
        for _ in 0..<60 where status == nil {
            let sessions = try await server.call(.GET, "/api/v1/sessions", token: token)
            if case let .array(rows)? = sessions.json["data"], let row = rows.first { status = row["status"]?.stringValue }
            if status == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(status == "client_closed")
        #expect(ContinuousClock.now - started < .seconds(4))
        try await server.stop()
        await stalling.stop()
    }

    /// A proxy holds an upstream connection for the whole of a model's answer, so its pool must be
    /// as wide as its callers: async-http-client's default of 8 per host let 8 calls talk to the
    /// model while everyone else waited in line.
    @Test func callersAreNotQueuedBehindAFewUpstreamConnections() async throws {
        let callers = 24
        let upstream = try await FakeUpstream(mode: .holdUntilConcurrent(callers))
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("wide")), ("upstream", .string("openai:m"))]), token: token)
        // The test's own client must not be the funnel either.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = callers
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome: Result<[String?], any Error>
        do {
            outcome = .success(try await withThrowingTaskGroup(of: String?.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        let body = JSONValue.object([("messages", .array([.object([("role", .string("user")),
                                                                                  ("content", .string("my number is 415 555 26\(10 + caller)"))])]))])
                        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: body,
                                                          headers: ["Masker-Session-Id": "caller-\(caller)"], via: client)
                        return reply.json["choices"]?[0]?["message"]?["content"]?.stringValue
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            })
        } catch {
            outcome = .failure(error)
        }
        try await client.shutdown()
        let answers = try outcome.get()
        #expect(upstream.inFlight.withLock { $0.peak } == callers)
        #expect(Set(answers) == Set((0..<callers).map { Optional("You said: my number is 415 555 26\(10 + $0)") }))
        try await server.stop()
        await upstream.stop()
    }

    @Test func signaturesAreCheckedWhenASecretIsSet() async throws {
        let server = try await TestServer { $0.webhookSecret = "s3cret" }
        let agent = try await server.createAgent(.object([("name", .string("v")), ("upstream", .string("stub"))]), token: try await server.token())
        let body = JSONValue.object([("messages", .array([.object([("role", .string("user")), ("content", .string("hello"))])]))]).serialized()
        let unsigned = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", raw: body)
        #expect(unsigned.status == 401)
        #expect(unsigned.json["error"]?["code"]?.stringValue == "bad_signature")
        let mac = HMACHex.sign(body, secret: "s3cret")
        let signed = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", raw: body, headers: ["X-Vapi-Signature": mac])
        #expect(signed.status == 200)
        // Vapi's own way for a server URL, and what its custom-LLM turns carry: the secret itself.
        let withSecret = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", raw: body, headers: ["X-Vapi-Secret": "s3cret"])
        #expect(withSecret.status == 200)
        for wrong in ["s3cre", "s3crett", "S3CRET"] {
            let refused = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", raw: body, headers: ["X-Vapi-Secret": wrong])
            #expect(refused.status == 401, "\(wrong)")
        }
        #expect(!server.logs.text.contains("s3cret"))
        try await server.stop()
    }

    /// With and without the masked payload on the record: either way the turn's redaction events
    /// are in the log when its answer comes back.
    @Test(arguments: [false, true])
    func redactionEventsAreOnTheRecordBeforeTheAnswerIsReleased(_ logPayloads: Bool) async throws {
        var policy = Policy.healthcareDefault
        policy.audit.logPayloads = logPayloads
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, policy: policy)
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("rec")), ("upstream", .string("openai:fake-model"))]), token: token)
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array([
            .object([("role", .string("user")), ("content", .string("ssn 536-22-1234, call me at 415-555-2671"))]),
        ]))]))
        #expect(reply.status == 200)
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        let kinds = log.split(separator: "\n").compactMap { try? JSONParser.parse(String($0))["entity_kind"]?.stringValue }
        #expect(kinds.filter { $0 == "SSN" || $0 == "PHONE" }.count >= 2)
        #expect(!log.contains("536-22-1234"))
        let payloads = (server.auditPath.hasSuffix(".jsonl") ? String(server.auditPath.dropLast(6)) : server.auditPath) + ".payloads.jsonl"
        let kept = (try? String(contentsOfFile: payloads, encoding: .utf8)) ?? ""
        #expect(kept.isEmpty != logPayloads)
        #expect(!kept.contains("536-22-1234") && !kept.contains("MSKV1."))
        try await server.stop()
        await upstream.stop()
    }

    /// The vault commits while the model works: when it fails, the model has seen tokens only,
    /// and its answer (which would restore them) is withheld.
    @Test func anAnswerWhoseTokensCouldNotBeStoredIsWithheld() async throws {
        let upstream = try await FakeUpstream()
        let vault = ScriptedVault(failsWrites: true)
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, vault: vault)
        let agent = try await server.createAgent(.object([("name", .string("v")), ("upstream", .string("openai:m"))]), token: try await server.token())
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array([
            .object([("role", .string("user")), ("content", .string("ssn 536-22-1234, call me at 415-555-2671"))]),
        ]))]))
        #expect(reply.status == 503)
        #expect(reply.json["error"]?["code"]?.stringValue == "masking_failed")
        #expect(!reply.text.contains("536-22-1234") && !reply.text.contains("MSKV1."))
        #expect(vault.writes.withLock { $0.count } == 1)
        let sent = upstream.receivedText
        #expect(!sent.contains("536-22-1234") && !sent.contains("415-555-2671"))
        #expect(!server.logs.text.contains("536-22-1234"))
        try await server.stop()
        await upstream.stop()
    }

    /// The audit append runs while the model works: when it fails, the answer is withheld as
    /// when the vault fails, and the log line names the failure, not the turn's values.
    @Test func anAnswerWhoseEventsCouldNotBeRecordedIsWithheld() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, auditLogFails: true)
        let agent = try await server.createAgent(.object([("name", .string("a")), ("upstream", .string("openai:m"))]), token: try await server.token())
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array([
            .object([("role", .string("user")), ("content", .string("ssn 536-22-1234, call me at 415-555-2671"))]),
        ]))]))
        #expect(reply.status == 503)
        #expect(reply.json["error"]?["code"]?.stringValue == "audit_unavailable")
        #expect(!reply.text.contains("536-22-1234") && !reply.text.contains("415-555-2671"))
        let sent = upstream.receivedText
        #expect(!sent.contains("536-22-1234") && !sent.contains("415-555-2671"))
        #expect(server.logs.text.contains("audit log append failed"))
        #expect(!server.logs.text.contains("536-22-1234") && !server.logs.text.contains("415-555-2671"))
        try await server.stop()
        await upstream.stop()
    }

    /// A `passthrough` value is PHI sent as it is: its turn goes to the model only once it is on the
    /// record, so a failed write stops it before the call.
    @Test func aTurnThatPassesPHIThroughWaitsForItsRecordBeforeTheModelIsCalled() async throws {
        var policy = Policy.healthcareDefault
        policy.entities[.email]?.action = .passthrough
        let upstream = try await FakeUpstream()
        let vault = ScriptedVault(failsWrites: true)
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, policy: policy, vault: vault)
        let agent = try await server.createAgent(.object([("name", .string("p")), ("upstream", .string("openai:m"))]), token: try await server.token())
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array([
            .object([("role", .string("user")), ("content", .string("email sarah.chen@example.com, ssn 536-22-1234"))]),
        ]))]))
        #expect(reply.status == 503)
        #expect(upstream.received.withLock { $0.isEmpty })
        try await server.stop()
        await upstream.stop()
    }

    /// A call's history comes back with every turn; its messages' tokens are stored in one vault
    /// write (one synced commit), not one per message.
    @Test func aTurnsMessagesAreStoredInOneVaultWrite() async throws {
        let upstream = try await FakeUpstream()
        let vault = ScriptedVault()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL }, vault: vault)
        let agent = try await server.createAgent(.object([("name", .string("h")), ("upstream", .string("openai:m"))]), token: try await server.token())
        let messages: [JSONValue] = [
            .object([("role", .string("user")), ("content", .string("my ssn is 536-22-1234"))]),
            .object([("role", .string("assistant")), ("content", .string("Thanks. And your phone?"))]),
            .object([("role", .string("user")), ("content", .string("415-555-2671, and my ssn again is 536-22-1234"))]),
        ]
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(messages))]))
        #expect(reply.status == 200)
        // The fake echoes the last user message, so its tokens come back restored.
        #expect(reply.json["choices"]?[0]?["message"]?["content"]?.stringValue?.contains("415-555-2671, and my ssn again is 536-22-1234") == true)
        let writes = vault.writes.withLock { $0 }
        #expect(writes.count == 1)
        #expect(writes.first.map { Set($0.map(\.token)).count == $0.count } == true) // the repeated SSN stored once
        #expect(writes.first?.count == 2)
        try await server.stop()
        await upstream.stop()
    }

    @Test func turnsAreRecordedAsSessionsAndTheAuditLogHoldsNoPHI() async throws {
        let server = try await TestServer()
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("rec")), ("upstream", .string("stub"))]), token: token)
        let phi = "my number is four one five five five five two six seven one and ssn 536-22-1234"
        // Two turns of one call: the second carries the first as history, then the caller says
        // it all again (each message is counted once, where it first came: CallHistoryTests).
        let said: JSONValue = .object([("role", .string("user")), ("content", .string(phi))])
        let histories: [[JSONValue]] = [[said], [said, .object([("role", .string("assistant")), ("content", .string("Once more?"))]), said]]
        for messages in histories {
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions",
                                              json: .object([("messages", .array(messages))]),
                                              headers: ["Masker-Session-Id": "call-42"])
            #expect(reply.status == 200)
        }
        let sessions = try await server.call(.GET, "/api/v1/sessions?agent_id=\(agent)", token: token)
        #expect(sessions.status == 200)
        guard case let .array(data)? = sessions.json["data"] else { Issue.record("no data"); return }
        #expect(data.count == 1)
        #expect(data.first?["turns"]?.intValue == 2)
        #expect(data.first?["redactions"]?["PHONE"]?.intValue == 2)
        #expect(data.first?["stage_ms"]?["upstream"] != nil)

        let verify = try await server.call(.POST, "/api/v1/audit/verify", token: token)
        #expect(verify.json["holds"] == .bool(true))
        #expect((verify.json["records"]?.intValue ?? 0) >= 4)
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        #expect(log.contains("\"agent_id\":\"\(agent)\""))
        for value in ["536-22-1234", "four one five", "MSKV1.", "MSK1."] { #expect(!log.contains(value)) }
        for line in server.logs.lines { #expect(!line.contains("536-22-1234") && !line.contains("four one five")) }

        let metrics = try await server.call(.GET, "/metrics")
        #expect(metrics.text.contains("masker_requests_total{agent=\"\(agent)\",status=\"200\"} 2"))
        #expect(metrics.text.contains("masker_redactions_total{kind=\"SSN\",pass=\"regex\"} 2"))
        #expect(metrics.text.contains("masker_request_duration_seconds_bucket{stage=\"detect\""))
        #expect(metrics.text.contains("# TYPE masker_vault_size_bytes gauge"))
        #expect(metrics.text.contains("# HELP masker_requests_total Proxied requests by agent and HTTP status"))
        try await server.stop()
    }
}

extension JSONValue {
    var objectFields: [(String, JSONValue)] {
        if case let .object(fields) = self { return fields }
        return []
    }

    subscript(index: Int) -> JSONValue? {
        if case let .array(items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }
}

import Crypto

enum HMACHex {
    static func sign(_ body: String, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }
}
