import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// The trust boundary through `POST /proxy/{agent}/v1/responses`: every request field of the
/// Responses API carrying PHI is masked or refused, ids pass as they were, and every answer field
/// (whole, or streamed with the token cut across events) is restored or redacted.
@Suite(.serialized)
struct ResponsesTrustBoundaryTests {
    typealias Case = TrustBoundaryTests.Case
    static let phone = TrustBoundaryTests.phone, ssn = TrustBoundaryTests.ssn, email = TrustBoundaryTests.email, mrn = TrustBoundaryTests.mrn
    static func parsed(_ json: String) -> JSONValue { TrustBoundaryTests.parsed(json) }
    static func input(_ items: String) -> (String, JSONValue) { ("input", parsed(items)) }

    static let requestCases: [Case] = [
        Case(name: "input string", members: [("input", .string("my ssn is \(ssn)"))], phi: [ssn]),
        Case(name: "instructions", members: [("instructions", .string("The caller is Sarah Chen, \(phone)."))], phi: ["Sarah Chen", phone]),
        Case(name: "message content string", members: [input(#"[{"role":"user","content":"email sarah.chen@gmail.com"}]"#)], phi: [email]),
        Case(name: "input_text part", members: [input(#"[{"type":"message","role":"user","content":[{"type":"input_text","text":"mrn 4829173"}]}]"#)], phi: [mrn]),
        Case(name: "output_text part of an earlier answer", members: [input(#"[{"type":"message","role":"assistant","id":"msg_8fK2mQ9xLp3Rt7Vw","content":[{"type":"output_text","text":"I have 415-555-2671 on file","annotations":[]}]}]"#)],
             phi: [phone]),
        Case(name: "function_call arguments", members: [input(#"[{"type":"function_call","call_id":"call_8fK2mQ9xLp3Rt7Vw","name":"lookup","arguments":"{\"ssn\":\"536-22-1234\"}"}]"#)],
             phi: [ssn]),
        Case(name: "function_call_output", members: [input(#"[{"type":"function_call_output","call_id":"call_8fK2mQ9xLp3Rt7Vw","output":"{\"patient\":\"Sarah Chen\",\"phone\":\"415-555-2671\"}"}]"#)],
             phi: ["Sarah Chen", phone]),
        Case(name: "reasoning summary", members: [input(#"[{"type":"reasoning","id":"rs_8fK2mQ9xLp3Rt7Vw","summary":[{"type":"summary_text","text":"caller gave ssn 536-22-1234"}]}]"#)],
             phi: [ssn]),
        Case(name: "unknown item type", members: [input(#"[{"type":"x_note","x_note":{"patient_phone":"415-555-2671"}}]"#)], phi: [phone]),
        Case(name: "image by URL", members: [input(#"[{"role":"user","content":[{"type":"input_image","image_url":"https://cdn.example.org/card.png?name=Sarah%20Chen&phone=4155552671"}]}]"#)],
             phi: ["Sarah", "4155552671"]),
        Case(name: "function tool description", members: [("tools", parsed(#"[{"type":"function","name":"book","description":"Books for the patient at 415-555-2671","parameters":{"type":"object","properties":{"x":{"type":"string","default":"536-22-1234"}}}}]"#))],
             phi: [phone, ssn]),
        Case(name: "web search location", members: [("tools", parsed(#"[{"type":"web_search","user_location":{"type":"approximate","city":"Bhopal","country":"IN"}}]"#))],
             phi: ["Bhopal"]),
        Case(name: "text.format schema", members: [("text", parsed(#"{"format":{"type":"json_schema","name":"visit","description":"for 415-555-2671","schema":{"type":"object","properties":{"mrn":{"type":"string","description":"MRN 4829173, for example"}}}}}"#))],
             phi: [phone, mrn]),
        Case(name: "metadata", members: [("metadata", parsed(#"{"patient_name":"Sarah Chen","mrn":"4829173"}"#))], phi: ["Sarah Chen", mrn]),
        Case(name: "prompt variables", members: [("prompt", parsed(#"{"id":"pmpt_8fK2mQ9xLp3Rt7Vw","variables":{"caller":"Sarah Chen","callback":"415-555-2671"}}"#))],
             phi: ["Sarah Chen", phone]),
        Case(name: "user and safety_identifier", members: [("user", .string(email)), ("safety_identifier", .string("caller \(phone)"))], phi: [email, phone]),
        Case(name: "unknown top-level field", members: [("x_context", parsed(#"{"callback":"415-555-2671"}"#))], phi: [phone]),
        Case(name: "encrypted reasoning", members: [input(#"[{"type":"reasoning","id":"rs_8fK2mQ9xLp3Rt7Vw","summary":[],"encrypted_content":"U2FyYWggQ2hlbg=="}]"#)],
             phi: ["U2FyYWggQ2hlbg=="], outcome: .refused(code: "unscannable_content", param: "input[0].encrypted_content")),
        Case(name: "image sent as bytes", members: [input(#"[{"role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,U2FyYWg="}]}]"#)],
             phi: ["U2FyYWg="], outcome: .refused(code: "unscannable_content", param: "input[0].content[0].image_url")),
        Case(name: "a file sent as bytes", members: [input(#"[{"role":"user","content":[{"type":"input_file","filename":"a.pdf","file_data":"U2FyYWg="}]}]"#)],
             phi: ["U2FyYWg="], outcome: .refused(code: "unscannable_content", param: "input[0].content[0].file_data")),
        Case(name: "a call id that is a phone number", members: [input(#"[{"type":"function_call_output","call_id":"4155552671","output":"ok"}]"#)],
             phi: ["4155552671"], outcome: .refused(code: "invalid_identifier", param: "input[0].call_id")),
    ]

    static func request(_ members: [(String, JSONValue)]) -> JSONValue {
        var fields: [(String, JSONValue)] = [("model", .string("fake-model")), ("input", .string("hello"))]
        for (key, value) in members {
            if let index = fields.firstIndex(where: { $0.0 == key }) { fields[index].1 = value } else { fields.append((key, value)) }
        }
        return .object(fields)
    }

    @Test func everyRequestFieldIsMaskedOrRefusedAndIdsPass() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let leaks = try await TrustBoundaryTests.send(Self.requestCases, to: "/proxy/\(agent)/v1/responses", as: Self.request, server: server,
                                                      upstream: upstream)
        #expect(leaks.isEmpty, "PHI crossed: \(leaks)")

        // Ids the model's stored conversation needs pass unchanged.
        let ids = Self.request([("previous_response_id", .string("resp_8fK2mQ9xLp3Rt7Vw1Yz4")),
                                Self.input(#"[{"type":"function_call_output","call_id":"call_8fK2mQ9xLp3Rt7Vw","output":"done"}]"#)])
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/responses", json: ids)
        #expect(reply.status == 200, "\(reply.text)")
        let sent = upstream.received.withLock { String(decoding: $0.last ?? [], as: UTF8.self) }
        #expect(sent.contains("resp_8fK2mQ9xLp3Rt7Vw1Yz4") && sent.contains("call_8fK2mQ9xLp3Rt7Vw"), "\(sent)")
        try await server.stop()
        await upstream.stop()
    }

    /// A Responses stream event carrying TOKEN cut in two across events, then its done event.
    static func split(_ prefix: String, _ member: String, item: String = "msg_1") -> String {
        let head = #"{"type":"\#(prefix).delta","item_id":"\#(item)","output_index":0,"content_index":0,"delta":"TOK"}"#
        let tail = #"{"type":"\#(prefix).delta","item_id":"\#(item)","output_index":0,"content_index":0,"delta":"EN"}"#
        let done = #"{"type":"\#(prefix).done","item_id":"\#(item)","output_index":0,"content_index":0,"\#(member)":"TOKEN"}"#
        let completed = #"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","id":"\#(item)","role":"assistant","content":[{"type":"output_text","text":"TOKEN","annotations":[]}]}]}}"#
        return [head, tail, done, completed].map { "event: x\ndata: \($0)\n\n" }.joined()
    }

    static let answerCases: [TrustBoundaryTests.AnswerCase] = [
        .init(name: "output_text", stream: false,
              template: #"{"id":"resp_1","object":"response","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"your number is TOKEN","annotations":[]}]}]}"#),
        .init(name: "function_call arguments", stream: false,
              template: #"{"id":"resp_1","object":"response","output":[{"type":"function_call","call_id":"call_1","name":"f","arguments":"{\"phone\":\"TOKEN\"}"}]}"#),
        .init(name: "reasoning summary", stream: false,
              template: #"{"id":"resp_1","object":"response","output":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"they said TOKEN"}]}]}"#),
        .init(name: "unknown output field", stream: false, template: #"{"id":"resp_1","object":"response","x_summary":"caller TOKEN","output":[]}"#),
        .init(name: "streamed output_text", stream: true, template: split("response.output_text", "text")),
        .init(name: "streamed refusal", stream: true, template: split("response.refusal", "refusal")),
        .init(name: "streamed function-call arguments", stream: true, template: split("response.function_call_arguments", "arguments", item: "fc_1")),
        .init(name: "streamed reasoning summary", stream: true, template: split("response.reasoning_summary_text", "text", item: "rs_1")),
        .init(name: "streamed token cut by the stream's end", stream: true,
              template: #"data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"TOK"}"# + "\n\n"),
    ]

    @Test(arguments: answerCases)
    func noAnswerFieldCarriesARawToken(_ answerCase: TrustBoundaryTests.AnswerCase) async throws {
        let request = Self.request([("input", .string("my number is \(Self.phone)")), ("stream", .bool(answerCase.stream))])
        let reply = try await TrustBoundaryTests.reply(to: answerCase, route: "responses", request: request)
        #expect(reply.contains(Self.phone) || reply.contains("[REDACTED:PHONE]"), "\(answerCase.name): \(reply)")
        if answerCase.stream {
            // The deltas alone spell the number out whole: what was held back came in a delta.
            let deltas = reply.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("data: "), let event = try? JSONParser.parse(String(line.dropFirst(6))),
                      event["type"]?.stringValue?.hasSuffix(".delta") == true else { return nil }
                return event["delta"]?.stringValue
            }.joined()
            #expect(deltas.contains(Self.phone) || deltas.contains("[REDACTED:PHONE]"), "\(answerCase.name): \(deltas)")
        }
    }
}
