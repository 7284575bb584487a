import Foundation
import MaskerTestSupport
import Testing

struct DetectCommandTests {
    @Test func printsATableOrJSONEvents() throws {
        let text = "my number is four one five, five five five, two six seven one"
        let table = try MaskerProcess.run(["detect"], stdin: text)
        #expect(table.code == 0, "\(table.all)")
        #expect(table.stdout.contains("PHONE"))
        let json = try MaskerProcess.run(["detect", "--json"], stdin: text)
        let events = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events.first?["span"] as? [Int] == [13, 61])
        #expect(events.first?["kind"] as? String == "PHONE")
    }

    @Test func offsetsContinueAcrossLines() throws {
        let json = try MaskerProcess.run(["detect", "--json"], stdin: "first line\nSSN 219-45-6789\n")
        let events = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(events.first?["span"] as? [Int] == [15, 26])
    }

    @Test func anUnreachableGemmaEndpointFallsBackToTheEmbeddedModel() throws {
        let environment = ["MASKER_GEMMA_URL": "http://127.0.0.1:1/v1", "MASKER_GEMMA_MODEL": "gemma3:4b", "MASKER_DETECTION_TIMEOUT_MS": "1000"]
        let text = "hi um this is maria lopez calling about my refill"
        let json = try MaskerProcess.run(["detect", "--json"], environment: environment, stdin: text)
        #expect(json.code == 0, "\(json.all)")
        let events = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(events.map { $0["text"] as? String } == ["maria lopez"])
        #expect(events.first?["backend"] as? String == "embedded")
        #expect(json.stderr.contains("the gemma endpoint failed for 1 line(s) (unreachable: 1)"))
        #expect(!json.stderr.contains("maria"))
        // --passes regex leaves the pass out: nothing is asked, nothing is reported as failed.
        let regex = try MaskerProcess.run(["detect", "--passes", "regex"], environment: environment, stdin: text)
        #expect(regex.code == 0 && !regex.stderr.contains("gemma endpoint"))
    }

    @Test func aModelThatCannotLoadIsReportedNotSilent() throws {
        // A weights file from a version this build does not read.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("masker-ner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shipped = Repository.root.appendingPathComponent("Sources/MaskerCore/Resources/ner")
        try FileManager.default.copyItem(at: shipped.appendingPathComponent("lexicon.tsv"), to: directory.appendingPathComponent("lexicon.tsv"))
        try Data("MSKNER99".utf8).write(to: directory.appendingPathComponent("weights.bin"))
        let text = "hi this is maria lopez, ssn 219-45-6789"
        let result = try MaskerProcess.run(["detect"], environment: ["MASKER_NER_DIR": directory.path], stdin: text)
        #expect(result.code == 0, "\(result.all)")
        #expect(result.stdout.contains("SSN"))
        #expect(result.stderr.contains("the gemma pass has no embedded model"))
        #expect(result.stderr.contains("rebuild them with scripts/train-ner.sh"))
        #expect(!result.stderr.contains("maria") && !result.stderr.contains("6789"))
        // Without the pass there is nothing to warn about.
        let regex = try MaskerProcess.run(["detect", "--passes", "regex"], environment: ["MASKER_NER_DIR": directory.path], stdin: text)
        #expect(regex.code == 0 && !regex.stderr.contains("no embedded model"))
    }

    @Test func aHalfConfiguredGemmaEndpointIsAUsageError() throws {
        let result = try MaskerProcess.run(["detect"], environment: ["MASKER_GEMMA_URL": "http://127.0.0.1:1/v1"], stdin: "hello")
        #expect(result.code == 64)
        #expect(result.stderr.contains("MASKER_GEMMA_MODEL"))
    }

    @Test func emptyInputHasNoEvents() throws {
        let json = try MaskerProcess.run(["detect", "--json"], stdin: "")
        #expect(json.code == 0)
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any])?.isEmpty == true)
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("bad.txt")
        try Data("fine\n".utf8 + [0xFF, 0xFE, 0x0A]).write(to: path)
        let result = try MaskerProcess.run(["detect", "--input", path.path])
        #expect(result.code == 1)
        #expect(result.stderr.contains("line 2 is not valid UTF-8"))
    }

    @Test func batchKeepsOrderAndContinuesPastBadLines() throws {
        let input = """
        {"id": "a", "text": "SSN 219-45-6789"}
        not json
        {"id": 7, "text": "nothing here"}
        {"id": "c"}

        {"id": "d", "text": "email sarah dot chen at gmail dot com"}
        """
        let result = try MaskerProcess.run(["detect", "--batch", "-"], stdin: input)
        #expect(result.code == 0, "\(result.all)")
        let lines = result.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 5)
        #expect(lines[0]["id"] as? String == "a" && (lines[0]["events"] as? [Any])?.count == 1)
        #expect(lines[1]["error"] as? String != nil)
        #expect(lines[2]["id"] as? Int == 7 && (lines[2]["events"] as? [Any])?.isEmpty == true)
        #expect(lines[3]["id"] as? String == "c" && (lines[3]["error"] as? String)?.contains("text") == true)
        #expect(lines[4]["id"] as? String == "d")
    }

    @Test func aBatchLineLongerThanATextPieceStaysOneRecord() throws {
        let long = String(repeating: "the patient is doing well today ", count: 5_000) + "SSN 219-45-6789"
        let record = "{\"id\": 1, \"text\": \"\(long)\"}\n"
        #expect(record.utf8.count > 1 << 17)
        let result = try MaskerProcess.run(["detect", "--batch", "-"], stdin: record)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"SSN\"") == true)
    }

    @Test func aHugeTextWithoutLineBreaksIsCutAtSpacesAndKeepsOffsets() throws {
        let long = String(repeating: "word ", count: 30_000) + "SSN 219-45-6789"
        let json = try MaskerProcess.run(["detect", "--json"], stdin: long)
        let events = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(events.first?["span"] as? [Int] == [150_004, 150_015])
    }

    @Test func badOptionsAreUsageErrors() throws {
        #expect(try MaskerProcess.run(["detect", "--threshold", "1.5"], stdin: "x").code == 64)
        let pass = try MaskerProcess.run(["detect", "--passes", "regx"], stdin: "x")
        #expect(pass.code == 64)
        #expect(pass.stderr.contains("did you mean \"regex\""))
    }

    @Test func evalPrintsPerKindFiguresAndJSON() throws {
        let gold = """
        {"text": "SSN 219-45-6789 and phone 415-555-2671", "spans": [{"kind": "SSN", "start": 4, "end": 15}, {"kind": "PHONE", "start": 26, "end": 38}]}
        {"text": "my name is sarah", "spans": [{"kind": "NAME", "start": 11, "end": 16}]}
        """
        let table = try MaskerProcess.run(["eval", "-"], stdin: gold)
        #expect(table.code == 0, "\(table.all)")
        #expect(table.stdout.contains("leaked PHI characters: 0.00% (0 of 28"))
        let json = try MaskerProcess.run(["eval", "--json", "-"], stdin: gold)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let overall = try #require(report["overall"] as? [String: Any])
        #expect(overall["gold"] as? Int == 3 && overall["true_positives"] as? Int == 3)
        #expect(report["leaked_characters"] as? Int == 0)
        // Without the NER pass the name is missed: the figures follow what ran.
        let regexOnly = try MaskerProcess.run(["eval", "--json", "--passes", "regex", "-"], stdin: gold)
        let narrowed = try #require(try JSONSerialization.jsonObject(with: Data(regexOnly.stdout.utf8)) as? [String: Any])
        #expect(narrowed["leaked_characters"] as? Int == 5)
    }

    @Test func evalRejectsAMalformedGoldLine() throws {
        let result = try MaskerProcess.run(["eval", "-"], stdin: "{\"text\": \"x\", \"spans\": [{\"kind\": \"PHNOE\", \"start\": 0, \"end\": 1}]}\n")
        #expect(result.code == 1)
        #expect(result.stderr.contains("line 1"))
    }

    @Test func benchReportsEveryStageAsJSON() throws {
        let corpus = "{\"text\": \"call four one five five five five two six seven one\"}\n{\"text\": \"nothing\"}\n"
        let result = try MaskerProcess.run(["bench", "--json", "--rounds", "2", "--corpus", "-"], stdin: corpus)
        #expect(result.code == 0, "\(result.all)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let stages = try #require(report["stages"] as? [[String: Any]])
        // Without MASKER_DATABASE_URL the PostgreSQL audit stage is left out; asked for, it says what it needs.
        #expect(stages.compactMap { $0["stage"] as? String } == ["tokenize", "normalize", "detect", "detect_regex", "detect_gemma", "mask", "rehydrate", "rehydrate/token", "rehydrate_stream", "vault_insert", "vault_insert_x16", "audit_append", "audit_append_x32", "audit_turn_x100", "synthesize"])
        #expect(stages.prefix(5).allSatisfy { $0["p50_us"] is Double && $0["p99_us"] is Double && $0["mb_per_s"] is Double && $0["turns"] as? Int == 4 })
        #expect((report["peak_rss_mb"] as? Double ?? 0) > 0)
        // One surrogate (the phone number) per round.
        #expect(stages.last?["turns"] as? Int == 2)
        let noDatabase = try MaskerProcess.run(["bench", "--stages", "audit_turn_x100_pg", "--corpus", "-"], stdin: corpus)
        #expect(noDatabase.code == 64 && noDatabase.stderr.contains("needs MASKER_DATABASE_URL"), "\(noDatabase.all)")
    }

    @Test func benchNamesItsSlowestLinesWithoutTheirText() throws {
        let corpus = "{\"text\": \"SSN 219-45-6789\"}\n{\"text\": \"nothing\"}\n"
        let result = try MaskerProcess.run(["bench", "--rounds", "1", "--slowest", "2", "--corpus", "-"], stdin: corpus)
        #expect(result.code == 0, "\(result.all)")
        let slow = result.stderr.split(separator: "\n").filter { $0.hasPrefix("slow: line ") }
        #expect(slow.count == 2)
        #expect(!result.all.contains("219-45-6789"))
    }

    /// Consecutive batch lines of one session are one conversation: a number said across two of
    /// them is found in both; lines of other sessions are not joined.
    @Test func aNumberSaidAcrossTwoBatchLinesOfOneSessionIsFoundInBoth() throws {
        let input = """
        {"id": 1, "text": "my number is four one five five five five", "session": "call-a"}
        {"id": 2, "text": "two six seven one", "session": "call-a"}
        {"id": 3, "text": "my number is four one five five five five", "session": "call-b"}
        {"id": 4, "text": "two six seven one", "session": "call-c"}
        """
        let result = try MaskerProcess.run(["detect", "--batch", "-"], stdin: input)
        #expect(result.code == 0, "\(result.all)")
        let kinds = result.stdout.split(separator: "\n").map { line -> [String] in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            return ((object?["events"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
        }
        #expect(kinds.count == 4)
        #expect(kinds[0].contains("PHONE") && kinds[1].contains("PHONE"), "\(kinds)")
        #expect(!kinds[3].contains("PHONE"), "\(kinds)")
    }
}
