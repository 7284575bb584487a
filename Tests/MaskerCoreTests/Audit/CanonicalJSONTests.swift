@testable import MaskerCore
import Testing

struct CanonicalJSONTests {
    /// The expected text is what Python prints for the same value with
    /// `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`: the contract
    /// auditors rely on (docs/audit.md).
    @Test func matchesPythonsCompactSortedDump() {
        let value = JSONValue.object([
            ("b", .array([.int(1), .double(2.5), .double(1.0), .double(0.85), .double(-0.001), .double(1e-05), .double(1e16)])),
            ("a", .string("x\"y\\z\n\t\u{01}\u{7F} é 😀 </script>")),
            ("c", .null),
            ("é", .bool(true)),
            ("Z", .object([("y", .bool(false)), ("x", .int(0))])),
        ])
        #expect(value.canonical == "{\"Z\":{\"x\":0,\"y\":false},\"a\":\"x\\\"y\\\\z\\n\\t\\u0001\u{7F} é 😀 </script>\",\"b\":[1,2.5,1.0,0.85,-0.001,1e-05,1e+16],\"c\":null,\"é\":true}")
    }

    @Test func parsingThenCanonicalisingIsStableAndKeepsIntegersApartFromDoubles() throws {
        let text = "{ \"n\": 1, \"d\": 1.0, \"e\": 2E3, \"s\": \"\\u00e9\\ud83d\\ude00\\/\" , \"l\": [true, null] }"
        let parsed = try JSONParser.parse(text)
        #expect(parsed.canonical == "{\"d\":1.0,\"e\":2000.0,\"l\":[true,null],\"n\":1,\"s\":\"é😀/\"}")
        #expect(try JSONParser.parse(parsed.canonical).canonical == parsed.canonical)
    }

    /// An integer past Int64 but within UInt64 (a 20-digit account number) stays exact.
    @Test func largeIntegersStayExact() throws {
        #expect(try JSONParser.parse("[18446744073709551615, 9223372036854775808]") == .array([.uint(.max), .uint(9_223_372_036_854_775_808)]))
        #expect(try JSONParser.parse("[18446744073709551616]").serialized() == "[1.8446744073709552e+19]")
    }

    @Test func parserRejectsWhatIsNotStrictJSON() {
        for bad in ["{\"a\":1,}", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "[01]", "\"\\ud800\"", "{'a':1}", "\"tab\there\"", "", "[1.]"] {
            #expect(throws: JSONParser.Failure.self, "\(bad)") { try JSONParser.parse(bad) }
        }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
        // Invalid UTF-8 is refused in a string with no escape (its own path) as well as with one.
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22]] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        }
    }

    /// Large objects check duplicates through a set (scanning made them quadratic); a duplicate is
    /// refused wherever it falls: before the set exists, at the key that builds it, and after.
    @Test func duplicateKeysAreRefusedInObjectsOfAnySize() throws {
        func object(_ keys: [String]) -> String { "{" + keys.map { "\"\($0)\":1" }.joined(separator: ",") + "}" }
        let distinct = (0..<40).map { "k\($0)" }
        guard case let .object(pairs) = try JSONParser.parse(object(distinct)) else {
            Issue.record("not an object")
            return
        }
        #expect(pairs.map(\.0) == distinct)
        for position in [5, JSONParser.keySetThreshold - 1, JSONParser.keySetThreshold, 30] {
            var keys = distinct
            keys.insert("k3", at: position)
            #expect(throws: JSONParser.Failure.self, "duplicate at \(position)") { try JSONParser.parse(object(keys)) }
        }
    }
}
