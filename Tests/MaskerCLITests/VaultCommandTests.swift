import Foundation
import MaskerStore
import MaskerTestSupport
import Testing

struct VaultCommandTests {
    enum Vault: String, CaseIterable { case sqlite, postgres }

    /// The same commands against the SQLite file and, through MASKER_DATABASE_URL, PostgreSQL.
    @Test(arguments: Vault.allCases)
    func statsThenErasureOfOneSubjectByAnySpelling(_ vault: Vault) async throws {
        let scratch = try ScratchDirectory()
        var environment = ["MASKER_DEV": "1", "MASKER_DATA_DIR": scratch.url.path]
        var schema: String?
        if vault == .postgres {
            schema = TestPostgres.freshSchema("masker_cli")
            environment["MASKER_DATABASE_URL"] = try TestPostgres.url() + "&schema=\(schema!)"
        }

        let first = try MaskerProcess.run(["mask", "--session", "a"], environment: environment,
                                          stdin: "call 415-555-2671, SSN 219-45-6789\n")
        _ = try MaskerProcess.run(["mask", "--session", "b"], environment: environment, stdin: "call (415) 555 2671\n")
        _ = try MaskerProcess.run(["mask", "--session", "a"], environment: environment, stdin: "call 206-555-0143\n")

        let stats = try MaskerProcess.run(["vault", "stats", "--json"], environment: environment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(object["entries"] as? Int == 4)
        #expect((object["by_kind"] as? [String: Int]) == ["PHONE": 3, "SSN": 1])

        // Without a terminal and without --yes, nothing is deleted.
        let refused = try MaskerProcess.run(["vault", "purge", "--subject", "4155552671"], environment: environment)
        #expect(refused.code == 64)
        #expect(refused.stderr.contains("--yes"))

        let spoken = "four one five five five five two six seven one"
        let purge = try MaskerProcess.run(["vault", "purge", "--subject", "-", "--yes"], environment: environment, stdin: spoken)
        #expect(purge.code == 0, "\(purge.all)")
        #expect(purge.stdout.contains("purged 2 entries"))
        #expect(!purge.all.contains("415") && !purge.all.contains(spoken))

        let restored = try MaskerProcess.run(["rehydrate", "--session", "a"], environment: environment, stdin: first.stdout)
        #expect(restored.stdout == "call [REDACTED:PHONE], SSN 219-45-6789\n")

        let byAge = try MaskerProcess.run(["vault", "purge", "--before", "2999-01-01", "--yes"], environment: environment)
        #expect(byAge.stdout.contains("purged 2 entries"))
        let empty = try MaskerProcess.run(["vault", "stats"], environment: environment)
        #expect(empty.stdout.contains("0 entries"))
        if let schema {
            let password = try #require(URLComponents(string: try TestPostgres.url())?.password)
            #expect(empty.stdout.contains("postgres://postgres@127.0.0.1"))
            #expect(![first, stats, refused, purge, restored, byAge, empty].contains { $0.all.contains(password) })
            let store = try await PostgresVaultStore(url: try TestPostgres.url(), schema: schema)
            try await store.dropSchema()
            await store.close()
        }
    }

    @Test func rotateKeyMovesEntriesSoTheOldKeyCanBeRetired() throws {
        let scratch = try ScratchDirectory()
        let oldKey = MaskerProcess.validKey
        let newKey = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
        let v1 = ["MASKER_DATA_DIR": scratch.url.path, "MASKER_KEY_K_HEALTHCARE": oldKey, "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey]
        let masked = try MaskerProcess.run(["mask", "--session", "call-v"], environment: v1, stdin: "SSN 219-45-6789, call 415-555-2671\n")
        #expect(masked.code == 0, "\(masked.all)")

        let missingNew = try MaskerProcess.run(["vault", "rotate-key", "--new-kid", "K_2027", "--yes"], environment: v1)
        #expect(missingNew.code == 3)
        #expect(!missingNew.all.contains(oldKey))

        let both = v1.merging(["MASKER_KEY_K_2027": newKey]) { $1 }
        let rotated = try MaskerProcess.run(["vault", "rotate-key", "--new-kid", "K_2027", "--yes"], environment: both)
        #expect(rotated.code == 0, "\(rotated.all)")
        #expect(rotated.stdout.contains("re-encrypted 2 entries"))

        // The old key is gone; tokens that carry the old kid still restore through their entries.
        let policy = try scratch.write("p.yaml", "name: p\nversion: 1\nkid: K_2027\ntokenization: vault-deterministic\npasses: [regex]\nentities:\n  SSN:\n  PHONE:\n")
        let v2 = ["MASKER_DATA_DIR": scratch.url.path, "MASKER_KEY_K_2027": newKey, "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey]
        let restored = try MaskerProcess.run(["rehydrate", "--policy", policy, "--session", "call-v"], environment: v2, stdin: masked.stdout)
        #expect(restored.stdout == "SSN 219-45-6789, call 415-555-2671\n", "\(restored.all)")
        // Erasure keeps working under the new key.
        let purge = try MaskerProcess.run(["vault", "purge", "--policy", policy, "--subject", "219-45-6789", "--yes"], environment: v2)
        #expect(purge.stdout.contains("purged 1 entry"), "\(purge.all)")
        // Both administrative changes are in the audit log, without the subject.
        let audit = try String(contentsOfFile: scratch.url.appendingPathComponent("audit.jsonl").path, encoding: .utf8)
        #expect(audit.contains("\"kind\":\"vault_key_rotated\"") && audit.contains("\"to_kid\":\"K_2027\""))
        #expect(audit.contains("\"kind\":\"vault_purge\"") && audit.contains("\"deleted\":1"))
        #expect(!audit.contains("219-45-6789"))
    }

    @Test func exportWritesEncryptedEntriesOwnerOnlyAndNeverOverwrites() throws {
        let scratch = try ScratchDirectory()
        let environment = ["MASKER_DEV": "1", "MASKER_DATA_DIR": scratch.url.path]
        _ = try MaskerProcess.run(["mask"], environment: environment, stdin: "SSN 219-45-6789, sarah.chen@gmail.com\n")
        let out = scratch.url.appendingPathComponent("export.jsonl").path
        let export = try MaskerProcess.run(["vault", "export", "--out", out], environment: environment)
        #expect(export.code == 0, "\(export.all)")
        #expect(export.stdout.contains("exported 2 entries"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2)
        #expect(!text.contains("219-45-6789") && !text.contains("sarah"))
        let line = try #require(try JSONSerialization.jsonObject(with: Data(text.split(separator: "\n")[0].utf8)) as? [String: Any])
        #expect(Set(line.keys) == ["token", "kind", "kid", "scope", "ciphertext", "subject_hash", "created_at"])
        let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let again = try MaskerProcess.run(["vault", "export", "--out", out], environment: environment)
        #expect(again.code == 1)
        #expect(again.stderr.contains("already exists"))
    }

    @Test func purgeArgumentsAreChecked() throws {
        let scratch = try ScratchDirectory()
        let environment = ["MASKER_DEV": "1", "MASKER_DATA_DIR": scratch.url.path]
        #expect(try MaskerProcess.run(["vault", "purge", "--yes"], environment: environment).code == 64)
        #expect(try MaskerProcess.run(["vault", "stats"], environment: environment).code == 1) // no vault yet
        _ = try MaskerProcess.run(["mask"], environment: environment, stdin: "SSN 219-45-6789\n")
        #expect(try MaskerProcess.run(["vault", "purge", "--before", "yesterday", "--yes"], environment: environment).code == 64)
        let kind = try MaskerProcess.run(["vault", "purge", "--subject", "x", "--kind", "PHNOE", "--yes"], environment: environment)
        #expect(kind.code == 64)
        #expect(kind.stderr.contains("did you mean \"PHONE\""))
    }
}
