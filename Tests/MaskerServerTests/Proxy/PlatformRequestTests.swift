import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// Each voice platform's documented request shape, as docs/integrations.md configures it, through
/// the real server to a recording model: accepted, every value said masked upstream (platform
/// fields included), and the streamed answer heard exactly as the caller said it. Retell has its
/// own protocol (RetellTests).
@Suite(.serialized)
struct PlatformRequestTests {
    static let said = "hi this is priya reyes, my date of birth is march third nineteen eighty and my number is 415-555-2671"
    static let values = ["priya", "reyes", "march third nineteen eighty", "415-555-2671"]

    static func parsed(_ json: String) -> JSONValue { (try? JSONParser.parse(json)) ?? .null }

    struct Platform: Sendable, CustomTestStringConvertible {
        var name: String
        var route: String
        /// The request, with SAID where the caller's words go.
        var template: String
        var headers: [String: String] = [:]
        /// More values in the platform's own fields that must not reach the model.
        var values: [String] = []
        var testDescription: String { name }
    }

    static let platforms: [Platform] = [
        // Vapi's custom-llm provider (metadataSendMode default): the call, customer and number objects ride along.
        Platform(name: "Vapi", route: "chat/completions", template: #"""
            {"model":"fake-model","messages":[{"role":"system","content":"You are the clinic's receptionist."},{"role":"assistant","content":"Thanks for calling, how can I help?"},{"role":"user","content":"SAID"}],
             "temperature":0.7,"max_tokens":250,"stream":true,
             "call":{"id":"vapi-call-7f3a","type":"inboundPhoneCall","customer":{"number":"+16505550143","name":"Priya Reyes"}},
             "customer":{"number":"+16505550143"},"phoneNumber":{"number":"+14155550100"},"metadata":{"clinic":"north"}}
            """#, values: ["6505550143"]),
        // ElevenLabs Agents' custom LLM: chat completions, streamed, with its user id and extra body.
        Platform(name: "ElevenLabs", route: "chat/completions", template: #"""
            {"model":"fake-model","messages":[{"role":"system","content":"You are the clinic's receptionist."},{"role":"user","content":"SAID"}],
             "max_tokens":5000,"stream":true,"temperature":0.5,"user_id":"caller 6505550143",
             "tools":[{"type":"function","function":{"name":"book_slot","description":"Books a slot","parameters":{"type":"object","properties":{"when":{"type":"string"}}}}}],
             "tool_choice":"none","elevenlabs_extra_body":{"patient_mrn":"4829173"}}
            """#, values: ["6505550143", "4829173"]),
        // Pipecat's OpenAILLMService (BaseOpenAILLMService.build_chat_completion_params).
        Platform(name: "Pipecat", route: "chat/completions", template: #"""
            {"model":"fake-model","stream":true,"stream_options":{"include_usage":true},"seed":42,"temperature":0.3,"max_completion_tokens":400,
             "messages":[{"role":"developer","content":"You are the clinic's receptionist."},{"role":"user","content":"SAID"}]}
            """#),
        // LiveKit Agents' openai.LLM plugin: chat completions with its user, metadata and tool settings.
        Platform(name: "LiveKit (chat completions)", route: "chat/completions", template: #"""
            {"model":"fake-model","messages":[{"role":"system","content":"You are the clinic's receptionist."},{"role":"user","content":"SAID"}],
             "stream":true,"stream_options":{"include_usage":true},"parallel_tool_calls":true,"tool_choice":"auto","user":"room-caller-6505550143",
             "metadata":{"room":"clinic-north","participant":"Priya Reyes"},"prompt_cache_key":"caller 6505550143"}
            """#, values: ["6505550143"]),
        // LiveKit Agents' openai.responses.LLM plugin (and ElevenLabs' Responses option).
        Platform(name: "LiveKit (Responses)", route: "responses", template: #"""
            {"model":"fake-model","instructions":"You are the clinic's receptionist.","stream":true,"store":false,
             "input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"SAID"}]}],
             "tools":[{"type":"function","name":"book_slot","description":"Books a slot","parameters":{"type":"object","properties":{"when":{"type":"string"}}},"strict":false}],
             "tool_choice":"none","metadata":{"participant":"Priya Reyes"}}
            """#),
    ]

    @Test(arguments: platforms)
    func aPlatformsRequestIsMaskedUpstreamAndItsAnswerHeardExactly(_ platform: Platform) async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let body = Self.parsed(platform.template.replacingOccurrences(of: "SAID", with: Self.said))
        try #require(body != .null, "the template is not JSON")
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/\(platform.route)", json: body, headers: platform.headers)
        #expect(reply.status == 200, "\(platform.name): \(reply.text)")
        let sent = upstream.receivedText.lowercased()
        for value in Self.values + platform.values { #expect(!sent.contains(value.lowercased()), "\(platform.name): \(value) reached the model") }
        #expect(Self.heard(reply.text, route: platform.route) == "You said: " + Self.said, "\(platform.name): \(reply.text)")
        try await server.stop()
        await upstream.stop()
    }

    /// The text a streamed answer spells out: chat chunks' content, or Responses' output deltas.
    static func heard(_ stream: String, route: String) -> String {
        stream.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("data: "), let event = try? JSONParser.parse(String(line.dropFirst(6))) else { return nil }
            if route == "responses" {
                return event["type"]?.stringValue == "response.output_text.delta" ? event["delta"]?.stringValue : nil
            }
            guard case let .array(choices)? = event["choices"], let first = choices.first else { return nil }
            return first["delta"]?["content"]?.stringValue
        }.joined()
    }
}
