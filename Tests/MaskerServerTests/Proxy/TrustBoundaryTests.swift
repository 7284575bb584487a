import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// The trust boundary, table-driven through the real server to a recording upstream: every request
/// field of OpenAI's chat-completions schema (and Vapi's and ElevenLabs' additions) carrying PHI
/// is masked, stripped or refused; every answer field with a token in it is restored or redacted;
/// no account restores another's tokens through any route.
@Suite(.serialized)
struct TrustBoundaryTests {
    /// What each request case must do with its PHI.
    enum Outcome: Sendable {
        /// Sent upstream with none of the values in it.
        case masked
        /// 400 with this `error.code` and `param`; nothing sent upstream.
        case refused(code: String, param: String?)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Top-level members added to (or replacing) the base request.
        var members: [(String, JSONValue)]
        var phi: [String]
        var outcome: Outcome = .masked
        var headers: [String: String] = [:]
        var testDescription: String { name }
    }

    static func user(_ content: JSONValue, name: String? = nil) -> JSONValue {
        .object([("role", .string("user")), ("content", content)] + (name.map { [("name", .string($0))] } ?? []))
    }

    static func messages(_ messages: JSONValue...) -> (String, JSONValue) { ("messages", .array(messages)) }

    static func tool(_ parameters: JSONValue, name: String = "book_appointment", description: String = "Books a visit") -> (String, JSONValue) {
        ("tools", .array([.object([("type", .string("function")), ("function", .object([
            ("name", .string(name)), ("description", .string(description)), ("parameters", parameters),
        ]))])]))
    }

    static func property(_ name: String, _ schema: [(String, JSONValue)]) -> JSONValue {
        .object([("type", .string("object")), ("properties", .object([(name, .object([("type", .string("string"))] + schema))]))])
    }

    static func parsed(_ json: String) -> JSONValue { (try? JSONParser.parse(json)) ?? .null }

    static let phone = "415-555-2671", ssn = "536-22-1234", email = "sarah.chen@gmail.com", mrn = "4829173"

    /// Every request field that can carry text, each with PHI in it.
    static let requestCases: [Case] = [
        Case(name: "user", members: [("user", .string(email))], phi: [email]),
        Case(name: "safety_identifier", members: [("safety_identifier", .string("caller \(phone)"))], phi: [phone]),
        Case(name: "prompt_cache_key", members: [("prompt_cache_key", .string("ssn \(ssn)"))], phi: [ssn]),
        Case(name: "messages[].name", members: [messages(user(.string("hello"), name: "Sarah Chen"))], phi: ["Sarah Chen"]),
        Case(name: "input_text part", members: [messages(user(parsed(#"[{"type":"input_text","text":"my ssn is 536-22-1234"}]"#)))], phi: [ssn]),
        Case(name: "untyped part", members: [messages(user(parsed(#"[{"text":"call me at 415-555-2671"}]"#)))], phi: [phone]),
        Case(name: "refusal part", members: [messages(user(parsed(#"[{"type":"refusal","refusal":"her email is sarah.chen@gmail.com"}]"#)))], phi: [email]),
        Case(name: "file.filename", members: [messages(user(parsed(#"[{"type":"file","file":{"file_id":"file_8fK2mQ9xLp3Rt7Vw1Yz4Bc6D","filename":"sarah.chen@gmail.com.pdf"}}]"#)))], phi: [email]),
        Case(name: "image_url query", members: [messages(user(parsed(#"[{"type":"image_url","image_url":{"url":"https://cdn.example.org/card.png?name=Sarah%20Chen&phone=4155552671","detail":"low"}}]"#)))],
             phi: ["Sarah", "4155552671"]),
        Case(name: "unknown part type", members: [messages(user(parsed(#"[{"type":"x_note","x_note":{"patient_phone":"415-555-2671"}}]"#)))], phi: [phone]),
        Case(name: "tool enum", members: [tool(property("doctor", [("enum", parsed(#"["Sarah Chen","Dr. Oluwaseun Adeyemi"]"#))]))], phi: ["Sarah Chen", "Oluwaseun"]),
        Case(name: "tool default", members: [tool(property("callback", [("default", .string(phone))]))], phi: [phone]),
        Case(name: "tool examples", members: [tool(property("ssn", [("examples", .array([.string(ssn)]))]))], phi: [ssn]),
        Case(name: "tool const", members: [tool(property("contact", [("const", .string(email))]))], phi: [email]),
        Case(name: "tool title", members: [tool(property("note", [("title", .string("Record of Sarah Chen, \(phone)"))]))], phi: [phone]),
        Case(name: "tool property name", members: [tool(parsed(#"{"type":"object","properties":{"sarah.chen@gmail.com":{"type":"string"}},"required":["sarah.chen@gmail.com"]}"#))],
             phi: [email]),
        Case(name: "tool description", members: [tool(property("x", []), description: "Books for the patient at \(phone)")], phi: [phone]),
        Case(name: "response_format schema description",
             members: [("response_format", parsed(#"{"type":"json_schema","json_schema":{"name":"visit","description":"for 415-555-2671","schema":{"type":"object","properties":{"mrn":{"type":"string","description":"MRN 4829173, for example"}}}}}"#))],
             phi: [phone, mrn]),
        Case(name: "prediction.content", members: [("prediction", parsed(#"{"type":"content","content":"Patient ssn 536-22-1234"}"#))], phi: [ssn]),
        Case(name: "stop", members: [("stop", .array([.string("call \(phone)")]))], phi: [phone]),
        Case(name: "web_search_options.user_location", members: [("web_search_options", parsed(#"{"search_context_size":"low","user_location":{"type":"approximate","approximate":{"city":"Bhopal","country":"IN"}}}"#))],
             phi: ["Bhopal"]),
        Case(name: "Vapi assistantOverrides.variableValues", members: [("assistantOverrides", parsed(#"{"variableValues":{"patientName":"Sarah Chen","phone":"415-555-2671"}}"#))],
             phi: ["Sarah Chen", phone]),
        Case(name: "Vapi customer (dropped)", members: [("customer", parsed(#"{"number":"+14155552671","name":"Sarah Chen"}"#))], phi: ["4155552671", "Sarah Chen"]),
        Case(name: "ElevenLabs extra body", members: [("elevenlabs_extra_body", parsed(#"{"patient_phone":"415-555-2671","dob":"1990-04-12"}"#))], phi: [phone, "1990-04-12"]),
        Case(name: "metadata mrn", members: [("metadata", parsed(#"{"mrn":"4829173"}"#))], phi: [mrn]),
        Case(name: "metadata ssn", members: [("metadata", parsed(#"{"ssn":"536-22-1234"}"#))], phi: [ssn]),
        Case(name: "metadata member_id", members: [("metadata", parsed(#"{"member_id":"XJH123456789"}"#))], phi: ["XJH123456789"]),
        Case(name: "metadata camelCase dateOfBirth", members: [("metadata", parsed(#"{"dateOfBirth":"04/12/1990"}"#))], phi: ["04/12/1990"]),
        Case(name: "metadata phone as a number", members: [("metadata", parsed(#"{"phone":4155552671}"#))], phi: ["4155552671"]),
        Case(name: "metadata 20-digit number", members: [("metadata", parsed(#"{"account_number":12345678901234567890,"card":4111111111111111}"#))],
             phi: ["12345678901234567890", "4111111111111111"]),
        Case(name: "metadata full-width key", members: [("metadata", parsed(#"{"ｍｒｎ":"4829173"}"#))], phi: [mrn]),
        Case(name: "metadata key that is a name", members: [("metadata", parsed(#"{"Sarah Chen":"vip"}"#))], phi: ["Sarah Chen"]),
        Case(name: "unknown top-level field", members: [("x_patient", parsed(#"{"name":"Sarah Chen","callback":"415-555-2671"}"#))], phi: ["Sarah Chen", phone]),
        Case(name: "tool-call arguments", members: [messages(
            user(.string("book it")),
            parsed(#"{"role":"assistant","content":null,"tool_calls":[{"id":"call_8fK2mQ9xLp3Rt7Vw1Yz4","type":"function","function":{"name":"lookup","arguments":"{\"mrn\":\"4829173\",\"dob\":\"1990-04-12\",\"phone\":4155552671}"}}]}"#),
            parsed(#"{"role":"tool","tool_call_id":"call_8fK2mQ9xLp3Rt7Vw1Yz4","content":"{\"patient\":{\"ssn\":\"536-22-1234\",\"member_id\":\"XJH123456789\"}}"}"#)
        )], phi: [mrn, "1990-04-12", "4155552671", ssn, "XJH123456789"]),
        Case(name: "assistant refusal and reasoning", members: [messages(
            parsed(#"{"role":"assistant","content":"ok","refusal":"cannot share sarah.chen@gmail.com","reasoning_content":"caller said 415-555-2671"}"#),
            user(.string("thanks"))
        )], phi: [email, phone]),
        Case(name: "custom tool input", members: [messages(
            user(.string("go")),
            parsed(#"{"role":"assistant","tool_calls":[{"id":"call_Q7w2Er5Ty8Ui1Op4As6D","type":"custom","custom":{"name":"notes","input":"ssn 536-22-1234"}}]}"#)
        )], phi: [ssn]),
        Case(name: "legacy functions description", members: [("functions", parsed(#"[{"name":"book","description":"for 415-555-2671","parameters":{"type":"object"}}]"#))], phi: [phone]),
        Case(name: "full-width digits", members: [messages(user(.string("call me at ４１５-５５５-２６７１")))], phi: ["４１５-５５５-２６７１", "２６７１"]),
        Case(name: "zero-width joiner in an SSN", members: [messages(user(.string("my ssn is 536\u{200D}-22-1234")))], phi: ["-22-1234"]),
        Case(name: "NUL inside a phone number", members: [messages(user(.string("call 415\u{0}555\u{0}2671 please")))], phi: ["2671"]),
        Case(name: "number split across two user messages", members: [messages(
            user(.string("my number is four one five five five five")), user(.string("two six seven one"))
        )], phi: ["four one five five five five", "two six seven one"]),
        Case(name: "number split across two text parts", members: [messages(user(parsed(#"[{"type":"text","text":"my number is 415 555"},{"type":"text","text":"2671 thanks"}]"#)))],
             phi: ["415 555", "2671"]),
        Case(name: "seed as a phone number (replaced by a keyed hash)", members: [("seed", .int(4155552671))], phi: ["4155552671"]),
        Case(name: "schema minimum as a phone number", members: [tool(property("x", [("minimum", .int(4155552671))]))], phi: ["4155552671"]),
        // Refused: the wrong shape, an identifier that could carry PHI, bytes that cannot be read.
        Case(name: "top_logprobs as a phone number", members: [("top_logprobs", .int(4155552671))], phi: ["4155552671"],
             outcome: .refused(code: "invalid_request", param: "top_logprobs")),
        Case(name: "temperature as an SSN", members: [("temperature", .int(536221234))], phi: ["536221234"],
             outcome: .refused(code: "invalid_request", param: "temperature")),
        Case(name: "logit_bias keyed by a phone number", members: [("logit_bias", parsed(#"{"4155552671": 1}"#))], phi: ["4155552671"],
             outcome: .refused(code: "invalid_request", param: "logit_bias")),
        Case(name: "a tool call index that is a phone number", members: [messages(user(.string("hi")),
            parsed(#"{"role":"assistant","tool_calls":[{"index":4155552671,"id":"call_8fK2mQ9xLp3Rt7Vw1Yz4","type":"function","function":{"name":"f","arguments":"{}"}}]}"#))],
             phi: ["4155552671"], outcome: .refused(code: "invalid_request", param: "messages[1].tool_calls[0].index")),
        Case(name: "messages as a string", members: [("messages", .string("Sarah Chen 415-555-2671"))], phi: [phone],
             outcome: .refused(code: "invalid_request", param: "messages")),
        Case(name: "messages as an object", members: [("messages", parsed(#"{"role":"user","content":"415-555-2671"}"#))], phi: [phone],
             outcome: .refused(code: "invalid_request", param: "messages")),
        Case(name: "content as a number", members: [messages(user(.int(4155552671)))], phi: ["4155552671"],
             outcome: .refused(code: "invalid_request", param: "messages[0].content")),
        Case(name: "tools as a string", members: [("tools", .string("call 415-555-2671"))], phi: [phone],
             outcome: .refused(code: "invalid_request", param: "tools")),
        Case(name: "arguments as an object", members: [messages(
            user(.string("hi")),
            parsed(#"{"role":"assistant","tool_calls":[{"id":"call_8fK2mQ9xLp3Rt7Vw1Yz4","type":"function","function":{"name":"lookup","arguments":{"phone":"415-555-2671"}}}]}"#)
        )], phi: [phone], outcome: .refused(code: "invalid_request", param: "messages[1].tool_calls[0].function.arguments")),
        Case(name: "a role that is a name", members: [messages(parsed(#"{"role":"Sarah Chen","content":"hi"}"#))], phi: ["Sarah Chen"],
             outcome: .refused(code: "invalid_request", param: "messages[0].role")),
        Case(name: "service_tier with PHI", members: [("service_tier", .string("sarah.chen@gmail.com"))], phi: [email],
             outcome: .refused(code: "invalid_request", param: "service_tier")),
        Case(name: "a tool name with a name in it", members: [tool(property("x", []), name: "call_sarah_chen")], phi: ["sarah_chen"],
             outcome: .refused(code: "invalid_identifier", param: "tools[0].function.name")),
        Case(name: "a tool_call_id that is a phone number", members: [messages(user(.string("hi")),
                                                                              parsed(#"{"role":"tool","tool_call_id":"4155552671","content":"done"}"#))],
             phi: ["4155552671"], outcome: .refused(code: "invalid_identifier", param: "messages[1].tool_call_id")),
        Case(name: "an image sent as bytes", members: [messages(user(parsed(#"[{"type":"image_url","image_url":{"url":"data:image/png;base64,U2FyYWggQ2hlbg=="}}]"#)))],
             phi: ["U2FyYWggQ2hlbg"], outcome: .refused(code: "unscannable_content", param: "messages[0].content[0].image_url.url")),
        Case(name: "audio sent as bytes", members: [messages(user(parsed(#"[{"type":"input_audio","input_audio":{"data":"U2FyYWg=","format":"wav"}}]"#)))],
             phi: ["U2FyYWg="], outcome: .refused(code: "unscannable_content", param: "messages[0].content[0].input_audio")),
        Case(name: "a file sent as bytes", members: [messages(user(parsed(#"[{"type":"file","file":{"file_data":"U2FyYWg=","filename":"a.pdf"}}]"#)))],
             phi: ["U2FyYWg="], outcome: .refused(code: "unscannable_content", param: "messages[0].content[0].file.file_data")),
        Case(name: "a session id that is a name and a phone", members: [], phi: ["Sarah"],
             outcome: .refused(code: "invalid_session_id", param: nil), headers: ["Masker-Session-Id": "Sarah-Chen-4155552671"]),
    ]

    static func request(_ members: [(String, JSONValue)]) -> JSONValue {
        var fields: [(String, JSONValue)] = [("model", .string("fake-model")), messages(user(.string("hello")))]
        for (key, value) in members {
            if let index = fields.firstIndex(where: { $0.0 == key }) { fields[index].1 = value } else { fields.append((key, value)) }
        }
        return .object(fields)
    }

    /// Sends each case (its members over `request`'s base) to `path`, checks it was answered or
    /// refused as the case says, and returns the PHI that reached the upstream or the server's log.
    static func send(_ cases: [Case], to path: String, as request: ([(String, JSONValue)]) -> JSONValue, server: TestServer,
                     upstream: FakeUpstream) async throws -> [String] {
        var leaks: [String] = []
        for (index, testCase) in cases.enumerated() {
            let before = upstream.received.withLock { $0.count }
            var headers = ["Masker-Session-Id": "call-\(index)"]
            headers.merge(testCase.headers) { $1 }
            let reply = try await server.call(.POST, path, json: request(testCase.members), headers: headers)
            let sent = upstream.received.withLock { $0.dropFirst(before).map { String(decoding: $0, as: UTF8.self) }.joined() }
            switch testCase.outcome {
            case .masked:
                #expect(reply.status == 200, "\(testCase.name): \(reply.text)")
                #expect(!sent.isEmpty, "\(testCase.name): nothing was sent")
            case let .refused(code, param):
                #expect(reply.status == 400, "\(testCase.name): \(reply.status) \(reply.text)")
                #expect(reply.json["error"]?["code"]?.stringValue == code, "\(testCase.name): \(reply.text)")
                if let param { #expect(reply.json["error"]?["param"]?.stringValue == param, "\(testCase.name): \(reply.text)") }
                #expect(sent.isEmpty, "\(testCase.name): a refused request reached the upstream")
                for value in testCase.phi { #expect(!reply.text.contains(value), "\(testCase.name): the error quotes the value") }
            }
            // The upstream sees JSON: compare with the values as JSON would escape them, and raw.
            for value in testCase.phi where sent.contains(value) || sent.contains(JSONValue.string(value).serialized().dropFirst().dropLast()) {
                leaks.append("\(testCase.name): \(value)")
            }
        }
        for value in cases.flatMap(\.phi) where server.logs.text.contains(value) { leaks.append("the server's log: \(value)") }
        return leaks
    }

    @Test func everyRequestFieldIsMaskedStrippedOrRefused() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL; $0.rateLimitPerMinute = 0 }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let leaks = try await Self.send(Self.requestCases, to: "/proxy/\(agent)/v1/chat/completions", as: Self.request, server: server,
                                        upstream: upstream)
        #expect(leaks.isEmpty, "PHI crossed: \(leaks)")
        try await server.stop()
        await upstream.stop()
    }

    /// Keys are context, not PHI: a request's keys reach the model as they were.
    @Test func keysThatNameAKindAreKeptAndTheirValuesMasked() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let metadata = Self.parsed(#"{"mrn":"4829173","dob":"1990-04-12","ssn":"536-22-1234","member_id":"XJH123456789","patient_name":"Sarah Chen","status":"active"}"#)
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: Self.request([("metadata", metadata)]))
        #expect(reply.status == 200, "\(reply.text)")
        let sent = try JSONParser.parse(upstream.receivedText)
        let forwarded = try #require(sent["metadata"])
        guard case let .object(members) = forwarded else { Issue.record("metadata is not an object"); return }
        #expect(members.map(\.0) == ["mrn", "dob", "ssn", "member_id", "patient_name", "status"])
        let kinds = ["MRN", "DOB", "SSN", "HEALTH_PLAN", "NAME"]
        for ((_, value), kind) in zip(members, kinds) { #expect(value.stringValue?.hasPrefix("MSKV1.\(kind).") == true, "\(value)") }
        #expect(forwarded["status"] == .string("active"))
        try await server.stop()
        await upstream.stop()
    }

    /// A voice platform sends the number's first half in one turn and both halves in the next: the
    /// second turn masks the first half too, although the call's record already held it.
    @Test func aNumberSplitAcrossTurnsIsMaskedOnceItsSecondHalfArrives() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let first = Self.user(.string("my number is four one five five five five")), second = Self.user(.string("two six seven one"))
        for turn in [[first], [first, .object([("role", .string("assistant")), ("content", .string("go on"))]), second]] {
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: Self.request([("messages", .array(turn))]),
                                              headers: ["Masker-Session-Id": "call-split"])
            #expect(reply.status == 200, "\(reply.text)")
        }
        let last = upstream.received.withLock { String(decoding: $0.last ?? [], as: UTF8.self) }
        #expect(!last.contains("four one five five five five") && !last.contains("two six seven one"), "\(last)")
        try await server.stop()
        await upstream.stop()
    }

    // MARK: - Answers

    /// The first token in a request, or an empty string.
    static func firstToken(_ body: String) -> String {
        TokenScanner.matches(in: body).first.map { match in String(decoding: Array(body.utf8)[match.start..<match.end], as: UTF8.self) } ?? ""
    }

    struct AnswerCase: Sendable, CustomTestStringConvertible {
        var name: String
        var stream: Bool
        /// The answer, with `TOKEN` where the request's first token goes.
        var template: String
        var testDescription: String { name }
    }

    static func chunk(_ choice: String) -> String {
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[\(choice)]}\n\n"
    }

    /// A streamed field carrying TOKEN cut in two across chunks.
    static func split(_ field: (String, String) -> String) -> String {
        chunk(field("TOK", "")) + chunk(field("EN", "")) + chunk("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}") + "data: [DONE]\n\n"
    }

    static let answerCases: [AnswerCase] = [
        AnswerCase(name: "message.content", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","content":"your number is TOKEN"}}]}"#),
        AnswerCase(name: "message.refusal", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I won't read TOKEN"}}]}"#),
        AnswerCase(name: "message.reasoning_content", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","content":"ok","reasoning_content":"they said TOKEN"}}]}"#),
        AnswerCase(name: "legacy choices[].text", stream: false, template: #"{"choices":[{"index":0,"text":"number TOKEN"}]}"#),
        AnswerCase(name: "annotation title", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","content":"see","annotations":[{"type":"url_citation","url_citation":{"title":"TOKEN","url":"https://x.example"}}]}}]}"#),
        AnswerCase(name: "audio transcript", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","audio":{"id":"audio_1","transcript":"call TOKEN"}}}]}"#),
        AnswerCase(name: "unknown top-level field", stream: false, template: #"{"x_summary":"caller TOKEN","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}]}"#),
        AnswerCase(name: "tool-call arguments", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"phone\":\"TOKEN\"}"}}]}}]}"#),
        AnswerCase(name: "token glued to a letter", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","content":"fax\\nTOKEN"}}]}"#),
        AnswerCase(name: "logprobs", stream: false, template: #"{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"logprobs":{"content":[{"token":"TOKEN","bytes":[77,83,75]}]}}]}"#),
        AnswerCase(name: "streamed delta.content", stream: true, template: split { a, _ in "{\"index\":0,\"delta\":{\"content\":\"\(a)\"},\"finish_reason\":null}" }),
        AnswerCase(name: "streamed delta.refusal", stream: true, template: split { a, _ in "{\"index\":0,\"delta\":{\"refusal\":\"\(a)\"},\"finish_reason\":null}" }),
        AnswerCase(name: "streamed delta.reasoning_content", stream: true, template: split { a, _ in "{\"index\":0,\"delta\":{\"reasoning_content\":\"\(a)\"},\"finish_reason\":null}" }),
        AnswerCase(name: "streamed legacy text", stream: true, template: split { a, _ in "{\"index\":0,\"text\":\"\(a)\",\"finish_reason\":null}" }),
        AnswerCase(name: "streamed audio transcript", stream: true, template: split { a, _ in "{\"index\":0,\"delta\":{\"audio\":{\"transcript\":\"\(a)\"}},\"finish_reason\":null}" }),
        AnswerCase(name: "streamed unknown delta field", stream: true, template: split { a, _ in "{\"index\":0,\"delta\":{\"x_note\":\"\(a)\"},\"finish_reason\":null}" }),
        AnswerCase(name: "streamed token cut by the stream's end", stream: true,
                   template: chunk("{\"index\":0,\"delta\":{\"content\":\"TOK\"},\"finish_reason\":null}") + "data: [DONE]\n\n"),
    ]

    /// The caller's reply when the model answers with `answerCase`'s template, its `TOKEN` the
    /// request's first token (streamed templates cut it: `TOK` its first half, `EN` the rest),
    /// sent to `route` ("chat/completions", "responses"); checked to carry no token nor a piece of one.
    static func reply(to answerCase: AnswerCase, route: String, request: JSONValue) async throws -> String {
        let template = answerCase.template
        let upstream = try await FakeUpstream(mode: .script { body in
            let token = TrustBoundaryTests.firstToken(body)
            let half = token.utf8.count / 2
            let head = String(decoding: Array(token.utf8)[..<half], as: UTF8.self), tail = String(decoding: Array(token.utf8)[half...], as: UTF8.self)
            let filled = template.replacingOccurrences(of: "TOKEN", with: token)
                .replacingOccurrences(of: "\"TOK\"", with: "\"\(head)\"").replacingOccurrences(of: "\"EN\"", with: "\"\(tail)\"")
            return (template.hasPrefix("{") ? "application/json" : "text/event-stream", filled)
        })
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let reply = try await server.call(.POST, "/proxy/\(agent)/v1/\(route)", json: request, headers: ["Masker-Session-Id": "call-answer"])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(!Self.firstToken(upstream.receivedText).isEmpty)
        #expect(!reply.text.contains("MSKV1") && !reply.text.contains("MSK1."), "\(answerCase.name): \(reply.text)")
        #expect(!reply.text.contains("K_HEALTHCARE"), "\(answerCase.name): a piece of a token reached the caller: \(reply.text)")
        try await server.stop()
        await upstream.stop()
        return reply.text
    }

    @Test(arguments: answerCases)
    func noAnswerFieldCarriesARawToken(_ answerCase: AnswerCase) async throws {
        let request = Self.request([Self.messages(Self.user(.string("my number is \(Self.phone)"))), ("stream", .bool(answerCase.stream))])
        let reply = try await Self.reply(to: answerCase, route: "chat/completions", request: request)
        let restoredOrRedacted = reply.contains(Self.phone) || reply.contains("[REDACTED:PHONE]") || answerCase.name == "logprobs"
        #expect(restoredOrRedacted, "\(answerCase.name): \(reply)")
    }

    // MARK: - Accounts

    /// Account B holds an API token on the same server and has read account A's masked traffic:
    /// no route gives it A's values, and what it gets is exactly what an unknown token gets.
    @Test(arguments: ["vault-deterministic", "reversible-aead"])
    func noAccountRestoresAnothersTokens(_ scheme: String) async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let tokenA = try await server.token(account: "clinic-a")
        let tokenB = try await server.token(account: "clinic-b")
        let agentA = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model")),
                                                           ("tokenization", .string(scheme))]), token: tokenA)
        let proxied = try await server.call(.POST, "/proxy/\(agentA)/v1/chat/completions",
                                            json: Self.request([Self.messages(Self.user(.string("my number is \(Self.phone)")))]),
                                            headers: ["Masker-Session-Id": "call-a1"])
        #expect(proxied.status == 200, "\(proxied.text)")
        let stolen = Self.firstToken(upstream.receivedText)
        #expect(stolen.hasPrefix(scheme == "vault-deterministic" ? "MSKV1.PHONE." : "MSK1.PHONE."))
        var forged = stolen
        forged.removeLast()
        forged.append(stolen.hasSuffix("A") ? "B" : "A")

        func rehydrate(_ text: String, token: String, _ extra: [(String, JSONValue)]) async throws -> TestServer.Reply {
            try await server.call(.POST, "/api/v1/rehydrate", json: .object([("text", .string(text))] + extra), token: token)
        }
        let asOwner: [(String, JSONValue)] = [("session", .string("call-a1")), ("agent_id", .string(agentA))]
        // The owner, naming the agent and the call, gets the value back.
        let owner = try await rehydrate(stolen, token: tokenA, asOwner)
        #expect(owner.json["text"]?.stringValue == Self.phone, "\(owner.text)")
        // Another account: with the same session, with its own, with none; naming A's agent is 404.
        let unknown = try await rehydrate(forged, token: tokenB, [("session", .string("call-a1"))])
        for extra in [[("session", JSONValue.string("call-a1"))], [("session", .string("call-b1"))]] {
            let reply = try await rehydrate(stolen, token: tokenB, extra)
            #expect(reply.status == 200 && reply.json["text"] == unknown.json["text"] && reply.json["failed"] == .int(1), "\(reply.text)")
            #expect(!reply.text.contains(Self.phone))
        }
        let viaAgent = try await rehydrate(stolen, token: tokenB, asOwner)
        #expect(viaAgent.status == 404 && !viaAgent.text.contains(Self.phone), "\(viaAgent.text)")
        let noAgent = try await rehydrate(stolen, token: tokenB, [("session", .string("call-a1")), ("agent_id", .string("agt_00000000000000000000000000"))])
        #expect(noAgent.status == 404 && noAgent.json["error"]?["code"] == viaAgent.json["error"]?["code"])
        // The owner too restores only within the session and the agent that minted it.
        for extra: [(String, JSONValue)] in [[("session", .string("call-a2")), ("agent_id", .string(agentA))], [("session", .string("call-a1"))]] {
            let reply = try await rehydrate(stolen, token: tokenA, extra)
            #expect(reply.json["failed"] == .int(1) && !reply.text.contains(Self.phone), "\(reply.text)")
        }
        // Through the proxy: B's agent gets A's token back from its model (the stub echoes what B's
        // caller said), and B's caller hears it redacted, exactly as a forged token.
        let agentB = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("stub")),
                                                           ("tokenization", .string(scheme))]), token: tokenB)
        for text in [stolen, forged] {
            let echoed = try await server.call(.POST, "/proxy/\(agentB)/v1/chat/completions",
                                               json: Self.request([Self.messages(Self.user(.string(text)))]), headers: ["Masker-Session-Id": "call-a1"])
            #expect(echoed.status == 200 && echoed.json["choices"]?[0]?["message"]?["content"] == .string("You said: [REDACTED:PHONE]"),
                    "\(echoed.text)")
        }
        // /api/v1/mask tokens: restorable by their account and session only.
        let masked = try await server.call(.POST, "/api/v1/mask", json: .object([("text", .string("ssn \(Self.ssn)")), ("session", .string("call-m1"))]), token: tokenA)
        let maskedText = try #require(masked.json["masked"]?.stringValue)
        #expect(masked.json["session"] == .string("call-m1"))
        let mine = try await rehydrate(maskedText, token: tokenA, [("session", .string("call-m1"))])
        #expect(mine.json["text"]?.stringValue == "ssn \(Self.ssn)", "\(mine.text)")
        let theirs = try await rehydrate(maskedText, token: tokenB, [("session", .string("call-m1"))])
        #expect(theirs.json["failed"] == .int(1) && !theirs.text.contains(Self.ssn), "\(theirs.text)")
        // Sessions, likewise: B lists none of A's and cannot open one.
        let listA = try await server.call(.GET, "/api/v1/sessions", token: tokenA)
        let sessionA = try #require(listA.json["data"]?[0]?["id"]?.stringValue)
        let listB = try await server.call(.GET, "/api/v1/sessions", token: tokenB)
        #expect(listB.status == 200 && !listB.text.contains(sessionA) && !listB.text.contains(agentA), "\(listB.text)")
        let openB = try await server.call(.GET, "/api/v1/sessions/\(sessionA)", token: tokenB)
        #expect(openB.status == 404)
        try await server.stop()
        await upstream.stop()
    }

    /// A session id able to carry PHI is refused by every route before anything is written.
    @Test func sessionIdsThatCouldCarryPHIAreRefusedEverywhere() async throws {
        let upstream = try await FakeUpstream()
        let server = try await TestServer { $0.openAIBaseURL = upstream.baseURL }
        let token = try await server.token()
        let agent = try await server.createAgent(.object([("name", .string("desk")), ("upstream", .string("openai:fake-model"))]), token: token)
        let bad = ["Sarah Chen 415-555-2671", "sarah.chen@gmail.com", "SarahChen", "call-4155552671", "1990-04-12", "john-smith"]
        for session in bad {
            for route in ["mask", "detect", "rehydrate", "synthesize"] {
                let reply = try await server.call(.POST, "/api/v1/\(route)", json: .object([("text", .string("hi \(Self.phone)")), ("session", .string(session))]),
                                                  token: token)
                #expect(reply.status == 400 && reply.json["error"]?["code"] == .string("invalid_session_id"), "\(route) \(session): \(reply.text)")
                #expect(!reply.text.contains(session))
            }
            let proxied = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: Self.request([]),
                                                headers: ["Masker-Session-Id": session.replacingOccurrences(of: " ", with: "_")])
            #expect(proxied.status == 400, "\(session): \(proxied.text)")
        }
        // Call ids and UUIDs pass.
        for session in ["3f1c2a9e-8b7d-4c6e-9a5f-0d1e2f3a4b5c", "Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6", "CA5f1e2d3c4b5a69788796a5b4c3d2e1f0", "call_01J8Z3K4M5N6P7Q8R9S0T1V2W3"] {
            let reply = try await server.call(.POST, "/proxy/\(agent)/v1/chat/completions", json: Self.request([]), headers: ["Masker-Session-Id": session])
            #expect(reply.status == 200, "\(session): \(reply.text)")
        }
        let log = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        for session in bad { #expect(!log.contains(session)) }
        try await server.stop()
        await upstream.stop()
    }
}
