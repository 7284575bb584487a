import Foundation
import MaskerTestSupport
import Testing

struct MaskCommandTests {
    let call = "my number is four one five, five five five, two six seven one and my SSN is 219-45-6789\n"

    func devEnvironment(_ scratch: ScratchDirectory) -> [String: String] {
        ["MASKER_DEV": "1", "MASKER_DATA_DIR": scratch.url.path]
    }

    @Test func maskThenRehydrateRestoresTheTextWithTheVault() throws {
        let scratch = try ScratchDirectory()
        let environment = devEnvironment(scratch)
        let masked = try MaskerProcess.run(["mask", "--session", "call-1"], environment: environment, stdin: call)
        #expect(masked.code == 0, "\(masked.all)")
        #expect(masked.stdout.contains("MSKV1.PHONE.K_HEALTHCARE."))
        #expect(!masked.stdout.contains("219-45-6789") && !masked.stdout.contains("four one five"))
        #expect(masked.stderr.contains("generated a development key"))
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.url.appendingPathComponent("vault.sqlite").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let restored = try MaskerProcess.run(["rehydrate", "--session", "call-1"], environment: environment, stdin: masked.stdout)
        #expect(restored.code == 0, "\(restored.all)")
        #expect(restored.stdout == call)
        // Another session's tokens are unknown tokens; no session at all is a usage error.
        let elsewhere = try MaskerProcess.run(["rehydrate", "--session", "call-2"], environment: environment, stdin: masked.stdout)
        #expect(elsewhere.stdout == "my number is [REDACTED:PHONE] and my SSN is [REDACTED:SSN]\n", "\(elsewhere.all)")
        let unscoped = try MaskerProcess.run(["rehydrate"], environment: environment, stdin: masked.stdout)
        #expect(unscoped.code == 64 && unscoped.stdout.isEmpty && unscoped.stderr.contains("--session"))
    }

    /// `- diarize: {mask_speakers: [caller]}` on a labelled transcript, read line by line from stdin:
    /// the agent's own script is left alone, the caller's words and the agent's read-back of them
    /// are masked, and every event names its speaker.
    @Test func aTranscriptsAgentLinesAreKeptWhenThePolicySaysSo() throws {
        let scratch = try ScratchDirectory()
        let shipped = try String(contentsOf: Repository.url("configs/mask_policy.yaml"), encoding: .utf8)
        let policy = try scratch.write("speakers.yaml", shipped.replacingOccurrences(of: "  - gemma\n", with: "  - gemma\n  - diarize: {mask_speakers: [caller]}\n"))
        let transcript = """
            Agent: Thanks for calling, our fax is 617-555-0188.
            Caller: my number is four one five, five five five, two six seven one.
            Agent: So that is 415-555-2671?
            Caller: yes.

            """
        let masked = try MaskerProcess.run(["mask", "--policy", policy, "--session", "call-s", "--json"], environment: devEnvironment(scratch), stdin: transcript)
        #expect(masked.code == 0, "\(masked.all)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(masked.stdout.utf8)) as? [String: Any])
        let text = try #require(output["masked"] as? String)
        #expect(text.contains("our fax is 617-555-0188"))
        #expect(!text.contains("415-555-2671") && !text.contains("four one five"))
        let events = try #require(output["events"] as? [[String: Any]])
        #expect(events.map { "\($0["kind"] ?? "") \($0["speaker"] ?? "") \($0["action"] ?? "")" }
            == ["FAX agent passthrough", "PHONE caller tokenize", "PHONE agent tokenize"])

        let detected = try MaskerProcess.run(["detect", "--policy", policy], environment: devEnvironment(scratch), stdin: transcript)
        #expect(detected.stdout.contains("SPEAKER") && detected.stdout.contains("caller   "), "\(detected.all)")
    }

    /// Session ids go into the audit log as they are, so one that could carry PHI is refused.
    @Test func sessionIdsThatCouldCarryPHIAreRefused() throws {
        let scratch = try ScratchDirectory()
        for session in ["Sarah_Chen", "call-415-555-2671", "sarah.chen@gmail.com", "Sarah Chen"] {
            let masked = try MaskerProcess.run(["mask", "--session", session], environment: devEnvironment(scratch), stdin: call)
            #expect(masked.code == 64 && masked.stdout.isEmpty, "\(session): \(masked.all)")
            #expect(!masked.stderr.contains(session))
        }
        let fine = try MaskerProcess.run(["mask", "--session", "3f1c2a9e-8b7d-4c6e-9a5f-0d1e2f3a4b5c"], environment: devEnvironment(scratch), stdin: call)
        #expect(fine.code == 0, "\(fine.all)")
    }

    /// A JSON document is masked as data: each value with its key as context, the shape kept.
    @Test func aJSONDocumentIsMaskedWithItsKeysAsContext() throws {
        let scratch = try ScratchDirectory()
        let document = #"{"patient": {"mrn": "4829173", "ssn": "219-45-6789", "memberId": "XJH123456789", "phone": 4155552671, "status": "active"}}"#
        let masked = try MaskerProcess.run(["mask", "--session", "call-j"], environment: devEnvironment(scratch), stdin: document + "\n")
        #expect(masked.code == 0, "\(masked.all)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(masked.stdout.utf8)) as? [String: Any])
        let patient = try #require(object["patient"] as? [String: Any])
        #expect((patient["mrn"] as? String)?.hasPrefix("MSKV1.MRN.") == true)
        #expect((patient["ssn"] as? String)?.hasPrefix("MSKV1.SSN.") == true)
        #expect((patient["memberId"] as? String)?.hasPrefix("MSKV1.HEALTH_PLAN.") == true)
        #expect((patient["phone"] as? String)?.hasPrefix("MSKV1.PHONE.") == true)
        #expect(patient["status"] as? String == "active")
        let detected = try MaskerProcess.run(["detect", "--json"], environment: devEnvironment(scratch), stdin: document)
        let events = try #require(try JSONSerialization.jsonObject(with: Data(detected.stdout.utf8)) as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["MRN", "SSN", "HEALTH_PLAN", "PHONE"])
        #expect(events.map { $0["field"] as? Int } == [0, 1, 2, 3])
    }

    @Test func aFailedGemmaEndpointIsOnTheAuditRecordAndTheLineStillMasked() throws {
        let scratch = try ScratchDirectory()
        var environment = devEnvironment(scratch)
        environment["MASKER_GEMMA_URL"] = "http://127.0.0.1:1/v1"
        environment["MASKER_GEMMA_MODEL"] = "gemma3:4b"
        // Long enough that the client, not the backstop, ends the refused connection on a busy machine.
        environment["MASKER_DETECTION_TIMEOUT_MS"] = "1000"
        let masked = try MaskerProcess.run(["mask"], environment: environment, stdin: "hi um this is maria lopez calling about my refill\n")
        #expect(masked.code == 0, "\(masked.all)")
        #expect(!masked.stdout.contains("maria lopez") && masked.stdout.contains("MSKV1.NAME."))
        let log = try String(contentsOf: scratch.url.appendingPathComponent("audit.jsonl"), encoding: .utf8)
        let fallback = try #require(log.split(separator: "\n").first { $0.contains("\"detection_fallback\"") })
        #expect(fallback.contains("\"reason\":\"unreachable\""))
        #expect(!log.contains("maria"))
    }

    @Test func streamingRehydrationGivesTheSameText() throws {
        let scratch = try ScratchDirectory()
        let environment = devEnvironment(scratch)
        let masked = try MaskerProcess.run(["mask", "--session", "call-s"], environment: environment, stdin: call + call)
        let streamed = try MaskerProcess.run(["rehydrate", "--stream", "--session", "call-s"], environment: environment, stdin: masked.stdout)
        #expect(streamed.code == 0, "\(streamed.all)")
        #expect(streamed.stdout == call + call)
    }

    @Test func batchMaskAndRehydrateKeepOrderSessionsAndGoOnPastBadLines() throws {
        let scratch = try ScratchDirectory()
        let environment = devEnvironment(scratch)
        let input = """
        {"id": 1, "text": "call 415-555-2671", "session": "call-a"}
        {"id": 2, "text": "call 415-555-2671", "session": "call-a"}
        {"id": 3, "text": "call 415-555-2671", "session": "call-b"}
        not json
        {"id": 5, "text": "nothing here"}
        """
        let masked = try MaskerProcess.run(["mask", "--batch", "-"], environment: environment, stdin: input)
        #expect(masked.code == 0, "\(masked.all)")
        let lines = masked.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 5)
        let tokens = lines.prefix(3).map { $0["masked"] as? String ?? "" }
        #expect(tokens[0] == tokens[1])          // one session: one token for one value
        #expect(tokens[0] != tokens[2])          // another session: another token
        #expect(!masked.stdout.contains("415-555-2671"))
        #expect(lines[3]["error"] is String)
        #expect(lines[4]["masked"] as? String == "nothing here")
        let sessions = ["call-a", "call-a", "call-b"]
        let back = lines.prefix(3).enumerated().map {
            "{\"id\": \($0.offset), \"text\": \"\($0.element["masked"] as! String)\", \"session\": \"\(sessions[$0.offset])\"}"
        }.joined(separator: "\n")
        let restored = try MaskerProcess.run(["rehydrate", "--batch", "-"], environment: environment, stdin: back)
        let texts = restored.stdout.split(separator: "\n").map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["text"] as? String }
        #expect(texts == ["call 415-555-2671", "call 415-555-2671", "call 415-555-2671"])
    }

    @Test func aGlobalScopePolicyGivesOneTokenAcrossSessions() throws {
        let scratch = try ScratchDirectory()
        let shipped = try String(contentsOf: Repository.url("configs/mask_policy.yaml"), encoding: .utf8)
        let policy = try scratch.write("global.yaml", shipped.replacingOccurrences(of: "scope: session", with: "scope: global"))
        let environment = devEnvironment(scratch)
        let a = try MaskerProcess.run(["mask", "--policy", policy, "--session", "a"], environment: environment, stdin: "SSN 219-45-6789\n")
        let b = try MaskerProcess.run(["mask", "--policy", policy, "--session", "b"], environment: environment, stdin: "SSN 219-45-6789\n")
        #expect(a.code == 0 && a.stdout == b.stdout, "\(a.all) \(b.all)")
    }

    @Test func reversibleAEADNeedsNoVault() throws {
        let environment = ["MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey, "MASKER_VAULT_PATH": "/proc/no/such/dir/vault.sqlite"]
            .merging(MaskerProcess.productionAudit()) { $1 }
        let masked = try MaskerProcess.run(["mask", "--scheme", "reversible-aead", "--session", "call-r"], environment: environment, stdin: call)
        #expect(masked.code == 0, "\(masked.all)")
        #expect(masked.stdout.contains("MSK1.SSN.K_HEALTHCARE."))
        // Rehydration opens the vault for MSKV1 tokens too, so point it somewhere usable.
        let scratch = try ScratchDirectory()
        let restored = try MaskerProcess.run(["rehydrate", "--session", "call-r"], environment: ["MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey,
                                                                       "MASKER_DATA_DIR": scratch.url.path, "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey],
                                             stdin: masked.stdout)
        #expect(restored.stdout == call)
    }

    @Test func jsonEventsCarryNeitherPHINorTokens() throws {
        let scratch = try ScratchDirectory()
        let result = try MaskerProcess.run(["mask", "--json"], environment: devEnvironment(scratch), stdin: call)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["policy_name"] as? String == "healthcare-default")
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["PHONE", "SSN"])
        #expect(events.allSatisfy { Set($0.keys) == ["pass", "kind", "span", "confidence", "action"] })
        let eventText = String(data: try JSONSerialization.data(withJSONObject: events), encoding: .utf8) ?? ""
        #expect(!eventText.contains("219") && !eventText.contains("MSKV1"))
    }

    @Test func requireMatchExits2WhenNothingIsFound() throws {
        let scratch = try ScratchDirectory()
        let result = try MaskerProcess.run(["mask", "--require-match"], environment: devEnvironment(scratch), stdin: "nothing to mask here\n")
        #expect(result.code == 2)
        #expect(result.stdout == "nothing to mask here\n")
    }

    @Test func aMissingKeyRefusesWithUnknownKidAndWritesNothing() throws {
        let scratch = try ScratchDirectory()
        let result = try MaskerProcess.run(["mask"], environment: ["MASKER_DATA_DIR": scratch.url.path], stdin: call)
        #expect(result.code == 3)
        #expect(result.stderr.contains("unknown_kid"))
        #expect(result.stdout.isEmpty)
    }

    @Test func anUnusableVaultFailsClosed() throws {
        let result = try MaskerProcess.run(["mask"], environment: ["MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey,
                                                                  "MASKER_VAULT_PATH": "/proc/no/such/dir/vault.sqlite"]
                                                .merging(MaskerProcess.productionAudit()) { $1 }, stdin: call)
        #expect(result.code == 1)
        #expect(result.stderr.contains("vault"))
        #expect(!result.stdout.contains("219-45-6789"))
    }

    /// With the audit log kept in a file (MASKER_AUDIT_STORE=file), the vault is what fails; by
    /// default a database URL holds the audit chain too, and opening it is what fails first.
    @Test(arguments: ["file", "postgres"])
    func anUnreachablePostgreSQLVaultFailsClosedWithoutShowingThePassword(_ auditStore: String) throws {
        let result = try MaskerProcess.run(["mask"], environment: [
            "MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey, "MASKER_AUDIT_STORE": auditStore,
            "MASKER_DATABASE_URL": "postgres://masker:pw-that-must-not-show@127.0.0.1:9/vault?sslmode=disable",
        ].merging(MaskerProcess.productionAudit()) { $1 }, stdin: call)
        #expect(result.code == 1)
        #expect(result.stderr.contains(auditStore == "file" ? "PostgreSQL vault postgres://masker@127.0.0.1:9/vault"
                                                            : "cannot open the audit chain in postgres://masker@127.0.0.1:9/vault"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!result.all.contains("pw-that-must-not-show"))
        let wrongScheme = try MaskerProcess.run(["mask"], environment: [
            "MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey, "MASKER_DATABASE_URL": "mysql://u:p@h/db", "MASKER_AUDIT_STORE": auditStore,
        ].merging(MaskerProcess.productionAudit()) { $1 }, stdin: call)
        #expect(wrongScheme.code == 1 && wrongScheme.stderr.contains(auditStore == "file" ? "must be a postgres:// URL" : "is not a postgres:// URL"),
                "\(wrongScheme.stderr)")
    }

    @Test func badSchemesAreRefused() throws {
        let scratch = try ScratchDirectory()
        let typo = try MaskerProcess.run(["mask", "--scheme", "reversible-aed"], environment: devEnvironment(scratch), stdin: call)
        #expect(typo.code == 64)
        #expect(typo.stderr.contains("did you mean \"reversible-aead\""))
    }

    @Test func theSyntheticSchemeWritesSurrogatesThroughTheMaskingPath() throws {
        let scratch = try ScratchDirectory()
        let synthetic = try MaskerProcess.run(["mask", "--scheme", "synthetic", "--json"], environment: devEnvironment(scratch), stdin: call)
        #expect(synthetic.code == 0, "\(synthetic.all)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(synthetic.stdout.utf8)) as? [String: Any])
        let masked = try #require(object["masked"] as? String)
        // A surrogate may share the area code by chance (one in a few hundred runs did): the
        // caller's own line number never survives.
        #expect(!masked.contains("219-45-6789") && !masked.contains("two six seven one") && !masked.contains("MSK"))
        #expect(masked.contains("six six six") || masked.contains("666-"))
        // The spans are on the audit record as synthetic redactions, with no key named.
        let log = try String(contentsOf: scratch.url.appendingPathComponent("audit.jsonl"), encoding: .utf8)
        #expect(log.contains("\"token_kind\":\"synthetic\"") && !log.contains("219-45-6789"))
    }

    @Test func unrestorableTokensBecomeRedactionMarkers() throws {
        let scratch = try ScratchDirectory()
        let answer = "Your number MSKV1.PHONE.K_HEALTHCARE.AAAAAAAAAAAAAAAAAAAAAAAAAA is on file.\n"
        let result = try MaskerProcess.run(["rehydrate", "--json", "--session", "call-u"], environment: devEnvironment(scratch), stdin: answer)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["text"] as? String == "Your number [REDACTED:PHONE] is on file.\n")
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.first?["outcome"] as? String == "rehydration_failed")
        #expect(events.first?["reason"] as? String == "unknown_token")
    }
}
