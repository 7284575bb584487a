import MaskerCore
import Testing

struct PolicyMutationPropertyTests {
    static let iterations = 5_000
    static let tokens = [
        "name", "version", "kid", "tokenization", "passes", "entities", "audit", "synthetic", "seed",
        "enabled", "regex", "ner", "confidence_threshold", "action", "PHONE", "NAME", "SSN", "FAX", "PHNOE",
        "gemma", "gemini", "diarize", "redact", "tokenise", "synthetic", "reversible-aead", "true", "false",
        "yes", "~", "null", "-1", "0", "1.5", "2", ".nan", "0xZZ", "\"quoted\"", "'single'", "*alias",
        "&anchor", "!!str", "[", "]", "{", "}", "|", ">", "-", ":", "#", "\t", "", "K_OLD", "K-1",
        "é", "\u{0}", "🙂", "1e309",
    ]
    static let characters: [Character] = [":", "-", " ", "\n", "\t", "[", "]", "{", "}", "\"", "'", "#", "&", "*",
                                          "!", "|", ">", "%", "@", "`", ",", "?", "a", "Z", "0", "9", ".", "\u{FEFF}"]

    @Test func validationNeverCrashesAndAlwaysAnswers() throws {
        let original = try Fixture.repositoryText("configs/mask_policy.yaml")
        var rng = SplitMix64(state: 0x5EED_2026)
        var valid = 0, invalid = 0
        var codesSeen = Set<PolicyIssueCode>()
        for iteration in 0..<Self.iterations {
            var text = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) { text = Self.mutate(text, using: &rng) }
            let result = PolicyParser.parse(text)
            let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
            if let policy = result.policy {
                valid += 1
                #expect(result.issues.errors.isEmpty, "iteration \(iteration)")
                // What validates must render and read back to the same policy.
                #expect(PolicyParser.parse(policy.yamlText).policy == policy, "iteration \(iteration)")
            } else {
                invalid += 1
                #expect(!result.issues.errors.isEmpty, "iteration \(iteration): no policy and no error")
            }
            for issue in result.issues {
                codesSeen.insert(issue.code)
                #expect(issue.line >= 1 && issue.line <= lineCount + 1, "iteration \(iteration): line \(issue.line)")
                #expect(issue.column >= 1, "iteration \(iteration)")
                #expect(!issue.message.isEmpty && !issue.fix.isEmpty, "iteration \(iteration)")
            }
        }
        // The mutations must exercise both outcomes and most of the catalogue, or this test proves little.
        #expect(valid > Self.iterations / 50)
        #expect(invalid > Self.iterations / 2)
        #expect(codesSeen.count >= 10, "codes seen: \(codesSeen.map(\.rawValue).sorted())")
    }

    static func mutate(_ text: String, using rng: inout SplitMix64) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return text }
        let row = Int.random(in: 0..<lines.count, using: &rng)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: // delete a character
            var chars = Array(lines[row])
            if !chars.isEmpty { chars.remove(at: Int.random(in: 0..<chars.count, using: &rng)) }
            lines[row] = String(chars)
        case 1: // insert a character
            var chars = Array(lines[row])
            chars.insert(characters.randomElement(using: &rng)!, at: Int.random(in: 0...chars.count, using: &rng))
            lines[row] = String(chars)
        case 2: lines.remove(at: row)
        case 3: lines.insert(lines[row], at: row)
        case 4: lines.swapAt(row, Int.random(in: 0..<lines.count, using: &rng))
        case 5: // re-indent
            let stripped = lines[row].drop(while: { $0 == " " })
            lines[row] = String(repeating: " ", count: Int.random(in: 0...6, using: &rng)) + stripped
        case 6: // replace one word
            var words = lines[row].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if !words.isEmpty {
                words[Int.random(in: 0..<words.count, using: &rng)] = tokens.randomElement(using: &rng)!
            }
            lines[row] = words.joined(separator: " ")
        default: // truncate
            lines = Array(lines.prefix(row))
        }
        return lines.joined(separator: "\n")
    }
}
