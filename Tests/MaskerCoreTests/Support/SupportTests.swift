import Foundation
import MaskerCore
import Testing

struct SuggestionTests {
    @Test func suggestsCloseSpellings() {
        #expect(Suggestion.closest(to: "gemini", in: ["regex", "gemma", "diarize"]) == "gemma")
        #expect(Suggestion.closest(to: "phone", in: ["PHONE", "FAX"]) == "PHONE")
        #expect(Suggestion.closest(to: "tokenise", in: ["tokenize", "redact", "passthrough"]) == "tokenize")
    }

    @Test func staysQuietWhenNothingIsClose() {
        #expect(Suggestion.closest(to: "colour", in: ["name", "version", "kid"]) == nil)
        #expect(Suggestion.hint(for: "zzzzzz", in: ["regex"]) == "")
    }
}

struct JSONValueTests {
    @Test func serialisesValidJSONWithEscapes() throws {
        let value = JSONValue.object([
            ("text", .string("quote \" backslash \\ newline \n tab \t nul \u{0} é 🙂")),
            ("numbers", .array([.int(-3), .uint(UInt64.max), .double(0.6), .double(.infinity)])),
            ("flags", .array([.bool(true), .null])),
            ("empty", .object([])),
        ])
        for indent in [nil, 2] as [Int?] {
            let text = value.serialized(indent: indent)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(parsed["text"] as? String == "quote \" backslash \\ newline \n tab \t nul \u{0} é 🙂")
        }
        #expect(value.serialized().hasPrefix("{\"text\":"))
    }

    /// The exact bytes, one line and indented: every escape, a run of plain text on each side of
    /// one, text beyond ASCII as it is, and the layout of nested, empty and one-element values.
    @Test func serialisesExactly() {
        let value = JSONValue.object([
            ("s", .string("a\"b\\c\nd\re\tf\u{0}\u{1F}\u{7F}\u{08}\u{0C}é🙂/")),
            ("a", .array([.int(1), .array([]), .object([]), .array([.null])])),
            ("o", .object([("k", .bool(false))])),
        ])
        #expect(value.serialized() == #"{"s":"a\"b\\c\nd\re\tf\u0000\u001f\u007f\u0008\u000cé🙂/","a":[1,[],{},[null]],"o":{"k":false}}"#)
        #expect(value.serialized(indent: 2) == """
            {
              "s": "a\\"b\\\\c\\nd\\re\\tf\\u0000\\u001f\\u007f\\u0008\\u000cé🙂/",
              "a": [
                1,
                [],
                {},
                [
                  null
                ]
              ],
              "o": {
                "k": false
              }
            }
            """)
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    @Test func keepsKeyOrder() {
        let text = JSONValue.object([("z", .int(1)), ("a", .int(2))]).serialized()
        #expect(text == "{\"z\":1,\"a\":2}")
    }
}

struct ScalarSlicesTests {
    /// The ASCII shortcut and the scalar walk give what slicing the scalars does, offsets past
    /// the end included.
    @Test func slicesByScalarOffsets() {
        var random = SplitMix64(state: 5)
        let alphabet: [Unicode.Scalar] = ["a", "Z", "7", " ", "\n", "é", "ß", "🙂", "中", "\u{301}"]
        for round in 0..<300 {
            let ascii = round % 2 == 0
            let count = Int(random.next() % 40)
            var view = String.UnicodeScalarView()
            for _ in 0..<count { view.append(alphabet[Int(random.next() % UInt64(ascii ? 4 : alphabet.count))]) }
            let text = String(view)
            let scalars = Array(text.unicodeScalars)
            let spans = (0..<3).map { _ -> (start: Int, end: Int) in
                let start = Int(random.next() % UInt64(count + 3))
                return (start, start + Int(random.next() % 6))
            }
            let expected = spans.map { span -> String in
                let lower = min(span.start, scalars.count), upper = min(max(lower, span.end), scalars.count)
                var slice = String.UnicodeScalarView()
                slice.append(contentsOf: scalars[lower..<upper])
                return String(slice)
            }
            #expect(ScalarSlices.slices(of: text, spans) == expected, "\(text.debugDescription)")
        }
        #expect(ScalarSlices.slices(of: "abc", []) == [])
    }

    /// Agent ids are the proxy URL's secret: two made in the same millisecond share their time
    /// but none of the guessability of a counter (monotonic ids made then differ by one).
    @Test func unguessableIdsShareOnlyTheirMillisecond() {
        let now = Date()
        let ids = (0..<64).map { _ in SortableIDGenerator.unguessable(prefix: "agt", now: now) }
        #expect(Set(ids).count == 64)
        #expect(Set(ids.map { $0.prefix(14) }).count == 1) // "agt_" and the same 10 time characters
        // Consecutive ids differ in many of their 16 random characters, not only the last.
        let differing = zip(ids, ids.dropFirst()).map { a, b in zip(a.suffix(16), b.suffix(16)).filter { $0 != $1 }.count }
        #expect(differing.allSatisfy { $0 >= 8 }, "\(differing)")
        var monotonic = SortableIDGenerator()
        let first = monotonic.next(prefix: "x", now: now), second = monotonic.next(prefix: "x", now: now)
        #expect(zip(first.suffix(16), second.suffix(16)).filter { $0 != $1 }.count <= 2)
    }
}
