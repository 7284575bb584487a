import Foundation
import MaskerStore
import MaskerTestSupport
import Testing

struct AuditCommandTests {
    let call = "my number is four one five, five five five, two six seven one and my SSN is 219-45-6789\n"

    func environment(_ scratch: ScratchDirectory) -> [String: String] {
        ["MASKER_DATA_DIR": scratch.url.path, "MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey,
         "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey]
    }

    func auditLines(_ scratch: ScratchDirectory) throws -> [String] {
        try String(contentsOfFile: scratch.url.appendingPathComponent("audit.jsonl").path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test func maskAndRehydrateRecordTheirEventsAndTheChainVerifiesHereAndInPython() throws {
        let scratch = try ScratchDirectory()
        let env = environment(scratch)
        let masked = try MaskerProcess.run(["mask", "--session", "call-7"], environment: env, stdin: call)
        #expect(masked.code == 0, "\(masked.all)")
        _ = try MaskerProcess.run(["rehydrate", "--session", "call-7"], environment: env, stdin: masked.stdout)
        let lines = try auditLines(scratch)
        #expect(lines.count == 4)
        let records = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(records.map { $0["kind"] as? String } == ["redaction", "redaction", "rehydration", "rehydration"])
        #expect(records.allSatisfy { $0["session_id"] as? String == "call-7" && $0["policy_name"] as? String == "healthcare-default" })
        #expect(records[1]["entity_kind"] as? String == "SSN" && records[1]["token_kind"] as? String == "vault-deterministic")
        #expect(!lines.joined().contains("219-45-6789") && !lines.joined().contains("MSKV1."))

        let verified = try MaskerProcess.run(["audit", "verify", "--json"], environment: env)
        #expect(verified.code == 0, "\(verified.all)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any])
        #expect(outcome["holds"] as? Bool == true && outcome["records"] as? Int == 4)
        let root = try #require(outcome["root"] as? String)

        // The auditor's own script, from docs/audit.md, agrees.
        let python = try runPython(["scripts/verify-audit-log.py", scratch.url.appendingPathComponent("audit.jsonl").path, root])
        #expect(python.code == 0 && python.stdout.contains("chain holds: 4 records, root \(root)"), "\(python.stdout)")

        // Tampering: an edited span is named at its line, by both.
        let path = scratch.url.appendingPathComponent("audit.jsonl").path
        var edited = lines
        edited[1] = edited[1].replacingOccurrences(of: "\"entity_kind\":\"SSN\"", with: "\"entity_kind\":\"ZIP\"")
        try (edited.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try MaskerProcess.run(["audit", "verify"], environment: env)
        #expect(broken.code == 1 && broken.stdout.contains("line 2"), "\(broken.all)")
        #expect(try runPython(["scripts/verify-audit-log.py", path]).code == 1)

        // Truncation is caught against the root kept earlier.
        try (lines.prefix(3).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try MaskerProcess.run(["audit", "verify"], environment: env).code == 0)
        let truncated = try MaskerProcess.run(["audit", "verify", "--expect-root", root], environment: env)
        #expect(truncated.code == 1 && truncated.stdout.contains("truncation"), "\(truncated.all)")
    }

    @Test func whenTheLogCannotBeWrittenNothingIsReleased() throws {
        let scratch = try ScratchDirectory()
        let log = scratch.url.appendingPathComponent("full/audit.jsonl")
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: log.path, withDestinationPath: "/dev/full")
        let env = environment(scratch).merging(["MASKER_AUDIT_LOG_PATH": log.path]) { $1 }
        let masked = try MaskerProcess.run(["mask"], environment: env, stdin: call)
        #expect(masked.code == 1 && masked.stdout.isEmpty, "\(masked.all)")
        #expect(masked.stderr.contains("cannot append to the audit log"))
        let batch = try MaskerProcess.run(["mask", "--batch", "-"], environment: env, stdin: "{\"id\": 1, \"text\": \"SSN 219-45-6789\"}\n")
        #expect(batch.code == 1 && batch.stdout.isEmpty, "\(batch.all)")
        let rehydrated = try MaskerProcess.run(["rehydrate", "--session", "call-f"], environment: env, stdin: "x MSK1.SSN.K_HEALTHCARE.AAAA y\n")
        #expect(rehydrated.code == 1 && rehydrated.stdout.isEmpty, "\(rehydrated.all)")
    }

    @Test func productionNeedsTheAuditKeyAndNeverPrintsIt() throws {
        let scratch = try ScratchDirectory()
        var env = environment(scratch)
        env["MASKER_AUDIT_HMAC_KEY"] = nil
        let missing = try MaskerProcess.run(["mask"], environment: env, stdin: call)
        #expect(missing.code == 1 && missing.stdout.isEmpty)
        #expect(missing.stderr.contains("MASKER_AUDIT_HMAC_KEY is not set"))
        env["MASKER_AUDIT_HMAC_KEY"] = "not-base64!"
        let bad = try MaskerProcess.run(["mask"], environment: env, stdin: call)
        #expect(bad.code == 1 && bad.stderr.contains("MASKER_AUDIT_HMAC_KEY") && !bad.all.contains("not-base64!"))
        // With audit.log_events off, no key and no log are needed.
        let policy = try String(contentsOf: Repository.url("configs/mask_policy.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "log_events: true", with: "log_events: false")
        let quiet = try scratch.write("quiet.yaml", policy)
        env["MASKER_AUDIT_HMAC_KEY"] = nil
        let off = try MaskerProcess.run(["mask", "--policy", quiet], environment: env, stdin: call)
        #expect(off.code == 0, "\(off.all)")
        #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("audit.jsonl").path))
    }

    @Test func purgeKeepsTheRemainderVerifiable() throws {
        let scratch = try ScratchDirectory()
        let env = environment(scratch)
        _ = try MaskerProcess.run(["mask"], environment: env, stdin: call)
        let kept = try MaskerProcess.run(["audit", "purge"], environment: env)
        #expect(kept.code == 0 && kept.stdout.contains("nothing to purge"), "\(kept.all)")
        let purged = try MaskerProcess.run(["audit", "purge", "--before", "2999-01-01", "--json"], environment: env)
        #expect(purged.code == 0, "\(purged.all)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(purged.stdout.utf8)) as? [String: Any])
        #expect(outcome["dropped_records"] as? Int == 2 && outcome["kept_records"] as? Int == 1)
        let lines = try auditLines(scratch)
        #expect(lines.count == 1 && lines[0].contains("\"kind\":\"retention_checkpoint\""))
        #expect(try MaskerProcess.run(["audit", "verify"], environment: env).code == 0)
        #expect(try runPython(["scripts/verify-audit-log.py", scratch.url.appendingPathComponent("audit.jsonl").path]).code == 0)
        #expect(try MaskerProcess.run(["audit", "purge", "--before", "tomorrow"], environment: env).code == 64)
    }

    /// The text a server kept of its proxied turns (for the portal) follows the log's retention;
    /// a machine without a server database does not get one from a purge.
    @Test func purgeForgetsTheKeptTextOfProxiedTurnsBeforeTheCutoff() async throws {
        let scratch = try ScratchDirectory()
        let env = environment(scratch)
        _ = try MaskerProcess.run(["mask"], environment: env, stdin: call)
        let database = scratch.url.appendingPathComponent("server.sqlite").path
        let none = try MaskerProcess.run(["audit", "purge", "--before", "2999-01-01", "--json"], environment: env)
        #expect(none.code == 0 && none.stdout.contains("\"dropped_turn_texts\": 0"), "\(none.all)")
        #expect(!FileManager.default.fileExists(atPath: database))

        let store = try SQLiteServerStore(path: database)
        let turn = ProxyTurn(id: ServerIDs.next("turn"), sessionID: "sess_1", accountID: "acct_1", agentID: "agt_1", at: Date(), status: "ok",
                             stageMillis: [:], spans: [], restored: 0, unrestorable: 0, sealed: Data([1, 2, 3]))
        try await store.applySessionDeltas([], turns: [turn])
        await store.close()
        _ = try MaskerProcess.run(["mask"], environment: env, stdin: call)
        let purged = try MaskerProcess.run(["audit", "purge", "--before", "2999-01-01"], environment: env)
        #expect(purged.code == 0 && purged.stdout.contains("forgot the kept text of 1 proxied turns"), "\(purged.all)")
        let reopened = try SQLiteServerStore(path: database)
        #expect(try await reopened.turns(sessionID: "sess_1", accountID: "acct_1", limit: 1).first?.sealed == nil)
        await reopened.close()
    }

    @Test func reportsAreSignedInJSONAndHTMLAndEditsAreCaught() throws {
        let scratch = try ScratchDirectory()
        var env = environment(scratch)
        env["MASKER_REPORT_SIGNING_KEY"] = MaskerProcess.validKey
        let policy = try String(contentsOf: Repository.url("configs/mask_policy.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "log_payloads: false", with: "log_payloads: true")
        let keeping = try scratch.write("keep.yaml", policy)
        _ = try MaskerProcess.run(["mask", "--policy", keeping, "--session", "call-1"], environment: env, stdin: call)
        _ = try MaskerProcess.run(["mask", "--policy", keeping, "--session", "call-2"], environment: env, stdin: "fax 415-555-0199\n")
        let json = scratch.url.appendingPathComponent("r.json").path, html = scratch.url.appendingPathComponent("r.html").path
        let made = try MaskerProcess.run(["report", "--policy", keeping, "--session-id", "call-1", "--output", json], environment: env)
        #expect(made.code == 0, "\(made.all)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let counts = try #require(report["counts"] as? [String: Any])
        #expect(counts["redactions_by_entity_kind"] as? [String: Int] == ["PHONE": 1, "SSN": 1])
        #expect((report["chain"] as? [String: Any])?["verified"] as? Bool == true)
        let matrix = try #require(report["safe_harbor"] as? [[String: Any]])
        #expect(matrix.count == 18 && matrix.first(where: { $0["category"] as? String == "G" })?["redactions"] as? Int == 1)
        let samples = try #require(report["samples"] as? [[String: Any]])
        #expect(samples.count == 1 && (samples[0]["masked"] as? String)?.contains("MSKV1.SSN.") == true)
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(!text.contains("219-45-6789") && !text.contains("415-555-0199"))

        #expect(try MaskerProcess.run(["report", "verify", json], environment: env).code == 0)
        let htmlMade = try MaskerProcess.run(["report", "--since", "1d", "--format", "html", "--output", html], environment: env)
        #expect(htmlMade.code == 0, "\(htmlMade.all)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("Safe Harbor") && page.contains("The chain verifies"))
        #expect(try MaskerProcess.run(["report", "verify", html], environment: env).code == 0)

        try text.replacingOccurrences(of: "\"SSN\": 1", with: "\"SSN\": 0").write(toFile: json, atomically: true, encoding: .utf8)
        let tampered = try MaskerProcess.run(["report", "verify", json], environment: env)
        #expect(tampered.code == 1 && tampered.stdout.contains("INVALID"))
        #expect(try MaskerProcess.run(["report", "--since", "1d", "--format", "pdf", "--output", json], environment: env).code == 64)
        #expect(try MaskerProcess.run(["report", "--output", json], environment: env).code == 64)
    }

    /// SPEC section 6 and issue 7: mask the whole development corpus, then look for every PHI value
    /// in it in the audit log, the kept payloads and the logs (stderr at debug level); and for the
    /// keys in everything the process wrote. Hashes, ids and times are left out of the search:
    /// they are random hex and digits in which a short number could appear by chance.
    @Test func noPHIReachesTheAuditLogPayloadsOrLogs() throws {
        let scratch = try ScratchDirectory()
        let env = environment(scratch)
        let policy = try String(contentsOf: Repository.url("configs/mask_policy.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "log_payloads: false", with: "log_payloads: true")
        let keeping = try scratch.write("keep.yaml", policy)
        let corpus = try Repository.text("data/devset/devset.jsonl")
        var values: Set<String> = []
        var batch = ""
        for line in corpus.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let text = try #require(object["text"] as? String)
            let scalars = Array(text.unicodeScalars)
            for span in object["spans"] as? [[String: Any]] ?? [] {
                guard let start = span["start"] as? Int, let end = span["end"] as? Int else { continue }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<end])
                let value = String(view)
                if value.count >= 4 { values.insert(value.lowercased()) }
            }
            let record = try JSONSerialization.data(withJSONObject: ["id": object["id"] ?? 0, "text": text, "session": "call-\(object["id"] ?? 0)"])
            batch += String(decoding: record, as: UTF8.self) + "\n"
        }
        #expect(values.count > 250)
        let masked = try MaskerProcess.run(["-v", "mask", "--policy", keeping, "--batch", "-"], environment: env, stdin: batch)
        #expect(masked.code == 0, "\(masked.stderr)")
        let rehydrated = try MaskerProcess.run(["-v", "rehydrate", "--policy", keeping, "--batch", "-"], environment: env, stdin: masked.stdout)
        #expect(rehydrated.code == 0)

        let lines = try auditLines(scratch)
        #expect(lines.count > 300)
        var searchable = ""
        for line in lines {
            var record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for random in ["prev_hash", "this_hash", "event_id", "ts"] { record[random] = nil }
            searchable += String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self).lowercased() + "\n"
        }
        let payloads = try String(contentsOfFile: scratch.url.appendingPathComponent("audit.payloads.jsonl").path, encoding: .utf8)
        let logs = (masked.stderr + rehydrated.stderr).lowercased()
        for value in values {
            #expect(!searchable.contains(value), "audit log holds a PHI value of \(value.count) characters")
            #expect(!logs.contains(value), "logs hold a PHI value of \(value.count) characters")
            if value.count >= 8 { #expect(!payloads.lowercased().contains(value), "payloads hold a PHI value in clear") }
        }
        for output in [searchable, payloads, masked.all, rehydrated.all] {
            #expect(!output.contains(MaskerProcess.validKey) && !output.contains(MaskerProcess.auditKey))
        }
        #expect(try MaskerProcess.run(["audit", "verify"], environment: env).code == 0)
    }

    func runPython(_ arguments: [String]) throws -> MaskerProcess.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = Repository.root
        process.environment = ["PATH": "/usr/bin:/bin", "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return MaskerProcess.Output(code: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }
}

/// The audit chain in PostgreSQL as a user meets it: a database URL is enough, `verify`, `export`
/// and `purge` work on it, and a wrong `MASKER_AUDIT_STORE` is a clear usage error.
struct PostgresAuditCommandTests {
    let call = "my number is four one five, five five five, two six seven one and my SSN is 219-45-6789\n"

    @Test func withADatabaseTheChainIsThereAndExportsToAFileThatVerifiesOffline() throws {
        let scratch = try ScratchDirectory()
        let url = try TestPostgres.url()
        let env = ["MASKER_DATA_DIR": scratch.url.path, "MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey,
                   "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey,
                   "MASKER_DATABASE_URL": url + (url.contains("?") ? "&" : "?") + "schema=" + TestPostgres.freshSchema("cli_audit")]
        let masked = try MaskerProcess.run(["mask", "--session", "call-9"], environment: env, stdin: call)
        #expect(masked.code == 0, "\(masked.all)")
        // Nothing went to a file: the chain is in the database.
        #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("audit.jsonl").path))
        let verified = try MaskerProcess.run(["audit", "verify", "--json"], environment: env)
        #expect(verified.code == 0, "\(verified.all)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any])
        #expect(outcome["holds"] as? Bool == true && outcome["records"] as? Int == 2)
        let password = try #require(URLComponents(string: url)?.password)
        #expect((outcome["file"] as? String)?.hasPrefix("postgres://") == true && !verified.all.contains(password))
        let exported = scratch.url.appendingPathComponent("export.jsonl").path
        let export = try MaskerProcess.run(["audit", "export", exported], environment: env)
        #expect(export.code == 0 && export.stdout.contains("wrote 2 records"), "\(export.all)")
        let offline = try MaskerProcess.run(["audit", "verify", exported, "--expect-root", outcome["root"] as? String ?? ""], environment: env)
        #expect(offline.code == 0, "\(offline.all)")
        // A second export to the same file is refused, and the first is untouched.
        let again = try MaskerProcess.run(["audit", "export", exported], environment: env)
        #expect(again.code == 1 && again.stderr.contains("exists already"))
        let purged = try MaskerProcess.run(["audit", "purge", "--before", "2999-01-01", "--json"], environment: env)
        #expect(purged.code == 0, "\(purged.all)")
        let after = try MaskerProcess.run(["audit", "verify"], environment: env)
        #expect(after.code == 0 && after.stdout.contains("chain holds, 1 record"), "\(after.all)")
    }

    @Test func aWrongAuditStoreSettingSaysWhatToSet() throws {
        let scratch = try ScratchDirectory()
        let base = ["MASKER_DATA_DIR": scratch.url.path, "MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey,
                    "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey]
        let unknown = try MaskerProcess.run(["mask"], environment: base.merging(["MASKER_AUDIT_STORE": "s3"]) { $1 }, stdin: call)
        #expect(unknown.code == 1 && unknown.stderr.contains("MASKER_AUDIT_STORE is 's3'; it takes file or postgres") && unknown.stdout.isEmpty)
        let noDatabase = try MaskerProcess.run(["mask"], environment: base.merging(["MASKER_AUDIT_STORE": "postgres"]) { $1 }, stdin: call)
        #expect(noDatabase.code == 1 && noDatabase.stderr.contains("needs MASKER_DATABASE_URL") && noDatabase.stdout.isEmpty)
    }
}
