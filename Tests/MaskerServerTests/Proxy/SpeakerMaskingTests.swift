import Foundation
import MaskerCore
import Testing

@testable import MaskerServer

/// The `diarize` pass in the proxy: a chat message's role is its speaker, every redaction event
/// says who spoke, and a policy with `mask_speakers: [caller]` leaves the agent's own lines alone,
/// but never what the agent repeats of the caller's, nor a system prompt or a tool's result.
@Suite struct SpeakerMaskingTests {
    private func message(_ role: String, _ content: String) -> JSONValue {
        .object([("role", .string(role)), ("content", .string(content))])
    }

    /// Redaction events of a session: entity kind, speaker, how it was replaced.
    private func redactions(in server: TestServer, session: String) throws -> [String] {
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        return log.split(separator: "\n").compactMap { line -> String? in
            let record = (try? JSONParser.parse(Array(line.utf8))) ?? .null
            guard record["kind"]?.stringValue == "redaction", record["session_id"]?.stringValue == session else { return nil }
            return "\(record["entity_kind"]?.stringValue ?? "") \(record["detail"]?["speaker"]?.stringValue ?? "-") \(record["token_kind"]?.stringValue ?? "")"
        }
    }

    private func agent(_ server: TestServer, maskSpeakers: [Speaker]?, token: String) async throws -> String {
        var policy = Policy.healthcareDefault
        policy.passes.append(DetectionPass(.diarize, maskSpeakers: maskSpeakers))
        return try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:m")),
                                                     ("policy_yaml", .string(policy.yamlText))]), token: token)
    }

    @Test func theAgentsScriptIsKeptAndEverythingElseIsMasked() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL })
        let token = try await server.token()
        let agent = try await agent(server, maskSpeakers: [.caller], token: token)
        let conversation: [JSONValue] = [
            message("system", "Patient on file: member id W987654321, callback 212-555-0199."),
            message("assistant", "Thanks for calling, our fax is 617-555-0188. Are you calling from 212-555-0199?"),
            message("user", "No, my number is 415-555-2671."),
            message("assistant", "Got it, 415-555-2671. And your member id W987654321?"),
            message("user", "Yes."),
        ]
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(conversation))]),
                                          headers: ["Masker-Session-Id": "call-speakers"])
        #expect(reply.status == 200)
        let sent = upstream.receivedText
        // The agent's own scripted fax number reached the model as it was said...
        #expect(sent.contains("617-555-0188"))
        // ...and nothing else did: not the caller's number, not the system prompt's, not the
        // agent's read-backs of either.
        for value in ["415-555-2671", "212-555-0199", "W987654321"] { #expect(!sent.contains(value), "\(value) reached the model") }
        let events = try redactions(in: server, session: "call-speakers")
        #expect(events.contains("FAX agent passthrough"))
        #expect(events.contains("PHONE caller vault-deterministic"))
        #expect(events.contains("PHONE unknown vault-deterministic"))
        #expect(events.filter { $0.hasPrefix("PHONE agent") } == ["PHONE agent vault-deterministic", "PHONE agent vault-deterministic"])
        #expect(!events.contains { $0.hasSuffix(" -") }, "an event without a speaker: \(events)")

        // The next turn carries the same history: the same decisions, and the kept line still kept.
        let next = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions",
                                         json: .object([("messages", .array(conversation + [message("assistant", "Thank you."), message("user", "Bye.")]))]),
                                         headers: ["Masker-Session-Id": "call-speakers"])
        #expect(next.status == 200)
        let second = try #require(upstream.received.withLock { $0.last }.map { String(decoding: $0, as: UTF8.self) })
        #expect(second.contains("617-555-0188"))
        for value in ["415-555-2671", "212-555-0199", "W987654321"] { #expect(!second.contains(value)) }
        try await server.stop()
        await upstream.stop()
    }

    /// An agent's line kept on one turn is masked on the next once the caller has said what it
    /// repeats: the call's history is read again on every turn under `mask_speakers`, not masked
    /// as it was the first time.
    @Test func anAgentLineKeptEarlierIsMaskedOnceTheCallerSaysWhatItRepeats() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL })
        let agent = try await agent(server, maskSpeakers: [.caller], token: try await server.token())
        var conversation = [message("assistant", "Is this for member W987654321?"), message("user", "Who is asking?")]
        func send() async throws -> String {
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array(conversation))]),
                                              headers: ["Masker-Session-Id": "call-history-speakers"])
            #expect(reply.status == 200, "\(reply.text)")
            return try #require(upstream.received.withLock { $0.last }.map { String(decoding: $0, as: UTF8.self) })
        }
        // Nothing in the call says the member id is the caller's yet: the agent's line is its own.
        #expect(try await send().contains("W987654321"))
        conversation += [message("assistant", "The front desk. Can you confirm your member id?"), message("user", "Yes, my member id is W987654321.")]
        let second = try await send()
        #expect(!second.contains("W987654321"), "the agent's earlier line still carries the caller's member id: \(second)")
        try await server.stop()
        await upstream.stop()
    }

    @Test func withoutMaskSpeakersEverySpeakerIsMaskedAndNamed() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer(configure: { $0.openAIBaseURL = upstream.baseURL })
        let agent = try await agent(server, maskSpeakers: nil, token: try await server.token())
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: .object([("messages", .array([
            message("assistant", "Our fax is 617-555-0188."), message("user", "Mine is 415-555-2671."),
        ]))]), headers: ["Masker-Session-Id": "call-everyone"])
        #expect(reply.status == 200)
        #expect(!upstream.receivedText.contains("617-555-0188") && !upstream.receivedText.contains("415-555-2671"))
        #expect(try redactions(in: server, session: "call-everyone") == ["FAX agent vault-deterministic", "PHONE caller vault-deterministic"])
        try await server.stop()
        await upstream.stop()
    }
}
