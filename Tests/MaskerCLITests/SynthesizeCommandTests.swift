import Foundation
import MaskerTestSupport
import Testing

struct SynthesizeCommandTests {
    let call = """
        Hi, this is Sarah Chen at (415) 555-2671. My date of birth is 04/12/1990.
        Ms. Chen lives at 123 Main St, Seattle WA 98101, email sarah.chen@gmail.com, SSN 219-45-6789.

        """

    @Test func aSeedGivesTheSameTextEveryRunAndNoSeedDoesNot() throws {
        let first = try MaskerProcess.run(["synthesize", "--seed", "0xC0FFEE"], stdin: call)
        #expect(first.code == 0, "\(first.all)")
        let again = try MaskerProcess.run(["synthesize", "--seed", "12648430"], stdin: call)   // the same seed in decimal
        #expect(again.stdout == first.stdout)
        let unseeded = try MaskerProcess.run(["synthesize"], stdin: call)
        #expect(unseeded.code == 0 && unseeded.stdout != first.stdout)
        for output in [first.stdout, unseeded.stdout] {
            for original in ["Sarah", "Chen", "2671", "04/12/1990", "Main St,", "98101", "gmail", "219-45-6789"] {
                #expect(!output.contains(original), "\(original) survived")
            }
            #expect(output.contains("@example.com") && output.contains("555-01"))
            #expect(output.split(separator: "\n").count == 2)
        }
        // The second line's "Ms. Chen" follows the first line's "Sarah Chen".
        let lines = first.stdout.split(separator: "\n")
        let words = lines[0].split(separator: " ")
        #expect(words.count > 5)
        let surname = words.count > 5 ? words[4].filter(\.isLetter) : ""
        #expect(!surname.isEmpty)
        #expect(lines[1].hasPrefix("Ms. \(surname) lives at"))
    }

    @Test func jsonGivesBothSpansAndNoOriginals() throws {
        let result = try MaskerProcess.run(["synthesize", "--seed", "7", "--json"], stdin: call)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let text = try #require(object["text"] as? String)
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.count >= 6)
        let scalars = Array(text.unicodeScalars)
        for event in events {
            let output = try #require(event["output_span"] as? [Int])
            #expect(output[0] < output[1] && output[1] <= scalars.count)
            #expect(event["text"] == nil)
        }
        #expect(!result.stdout.contains("Sarah"))
    }

    @Test func badSeedsAndTheWarningAreExplained() throws {
        let bad = try MaskerProcess.run(["synthesize", "--seed", "0xZZ"], stdin: call)
        #expect(bad.code == 64 && bad.stderr.contains("--seed"))
        let help = try MaskerProcess.run(["synthesize", "--help"])
        let flowing = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flowing.contains("Never use a fixed seed where real PHI is processed"))
    }
}
