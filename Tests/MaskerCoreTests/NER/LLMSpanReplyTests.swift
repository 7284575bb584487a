import Foundation
@testable import MaskerCore
import Testing

/// The checks between an LLM's answer and the masking step: only words really in the text count.
struct LLMSpanReplyTests {
    let kinds: Set<EntityKind> = [.name, .address]

    func reply(_ content: String, _ items: [String]) throws -> LLMSpanReply {
        try LLMSpanReply.parse(content: content, items: items, kinds: kinds)
    }

    func texts(_ reply: LLMSpanReply, _ items: [String]) -> [[String]] {
        zip(reply.candidates, items).map { candidates, text in
            let scalars = Array(text.unicodeScalars)
            return candidates.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        }
    }

    @Test func locatesSpansByTheirWords() throws {
        let items = ["this is maria lopez calling", "i live in fresno"]
        let parsed = try reply(#"{"spans":[{"item":0,"kind":"NAME","text":"maria lopez"},{"item":1,"kind":"ADDRESS","text":"fresno"}]}"#, items)
        #expect(parsed.dropped == 0)
        #expect(texts(parsed, items) == [["maria lopez"], ["fresno"]])
        #expect(parsed.candidates[0] == [Candidate(kind: .name, start: 8, end: 19, confidence: LLMSpanReply.defaultConfidence)])
    }

    @Test func dropsInventedMisplacedAndUnaskedSpans() throws {
        let items = ["this is maria lopez calling"]
        let content = """
        {"spans":[
          {"item":0,"kind":"NAME","text":"John Smith"},
          {"item":0,"kind":"NAME","text":"maria lopez","start":3},
          {"item":4,"kind":"NAME","text":"maria"},
          {"item":0,"kind":"SSN","text":"maria"},
          {"item":0,"kind":"MOOD","text":"calling"},
          {"item":0,"kind":"NAME","text":"   "},
          {"item":0,"kind":"NAME","text":"maria lopez","start":8}
        ]}
        """
        let parsed = try reply(content, items)
        #expect(parsed.dropped == 6)
        #expect(texts(parsed, items) == [["maria lopez"]])
    }

    @Test func matchesWholeWordsOnly() throws {
        let items = ["the annual visit with ann"]
        let parsed = try reply(#"{"spans":[{"item":0,"kind":"NAME","text":"ann"}]}"#, items)
        #expect(parsed.candidates[0].map(\.start) == [22])
    }

    @Test func findsEveryOccurrenceAndIgnoresCase() throws {
        let items = ["chen said chen would call. CHEN!"]
        let parsed = try reply(#"{"spans":[{"item":0,"kind":"PERSON","text":"Chen"}]}"#, items)
        #expect(parsed.candidates[0].map(\.start) == [0, 10, 27])
        #expect(parsed.candidates[0].allSatisfy { $0.kind == .name })
    }

    @Test func offsetsCountUnicodeScalars() throws {
        let items = ["José Núñez called"]
        let parsed = try reply(#"{"spans":[{"kind":"NAME","text":"José Núñez"}]}"#, items)
        #expect(parsed.candidates[0].map { [$0.start, $0.end] } == [[0, 10]])
    }

    @Test func acceptsFencesArraysAndModelConfidence() throws {
        let items = ["call bob"]
        let fenced = try reply("Here you go:\n```json\n[{\"item\":0,\"kind\":\"NAME\",\"text\":\"bob\",\"confidence\":0.4}]\n```", items)
        #expect(fenced.candidates[0].map(\.confidence) == [0.4])
        #expect(try reply(#"{"spans":[]}"#, items).candidates == [[]])
    }

    @Test func anItemNumberIsNeededWhenThereAreSeveralItems() throws {
        let parsed = try reply(#"{"spans":[{"kind":"NAME","text":"bob"}]}"#, ["call bob", "bob again"])
        #expect(parsed.dropped == 1)
        #expect(parsed.candidates == [[], []])
    }

    @Test func anAnswerThatIsNotSpanJSONIsRefusedWithoutQuotingIt() throws {
        for content in ["I can't help with maria lopez", #"{"names":["maria"]}"#, "42"] {
            #expect(throws: LLMSpanReply.Invalid.notSpanJSON) { try reply(content, ["maria lopez"]) }
        }
        #expect(!LLMSpanReply.Invalid.notSpanJSON.description.contains("maria"))
        let notChat = Array(#"{"error":"model not found"}"#.utf8)
        #expect(throws: LLMSpanReply.Invalid.notChatCompletion) {
            try LLMSpanReply.parse(chatCompletion: notChat, items: ["x"], kinds: kinds)
        }
    }

    @Test func readsAChatCompletionBody() throws {
        let content = JSONValue.object([("spans", .array([.object([("item", .int(0)), ("kind", .string("NAME")), ("text", .string("bob"))])]))])
        let body = JSONValue.object([("choices", .array([.object([("index", .int(0)), ("message", .object([
            ("role", .string("assistant")), ("content", .string(content.serialized())),
        ]))])]))])
        let parsed = try LLMSpanReply.parse(chatCompletion: Array(body.serialized().utf8), items: ["call bob now"], kinds: kinds)
        #expect(parsed.candidates[0].map(\.start) == [5])
    }

    @Test func thePromptNumbersItemsAndNamesOnlyTheKindsAskedFor() throws {
        let body = LLMSpanPrompt.body(model: "gemma3:4b", items: ["first", "second"], kinds: [.address, .name])
        #expect(body["model"] == .string("gemma3:4b"))
        #expect(body["response_format"]?["type"] == .string("json_object"))
        guard case let .array(messages)? = body["messages"], messages.count == 2 else { Issue.record("two messages"); return }
        let system = messages[0]["content"]?.stringValue ?? ""
        #expect(system.contains("- NAME:") && system.contains("- ADDRESS:") && !system.contains("- SSN:"))
        let user = try JSONParser.parse(messages[1]["content"]?.stringValue ?? "")
        #expect(user == .object([("items", .array([
            .object([("item", .int(0)), ("text", .string("first"))]), .object([("item", .int(1)), ("text", .string("second"))]),
        ]))]))
    }
}
