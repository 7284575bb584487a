import Foundation
import MaskerTestSupport
import Testing

/// The issue's "done when" list, run against the real binary, plus the behaviour around it.
struct PolicyCommandTests {
    let shipped = "configs/mask_policy.yaml"

    @Test func validateAcceptsTheShippedPolicyWhenTheKeyIsSet() throws {
        let result = try MaskerProcess.run(["policy", "validate", shipped],
                                           environment: ["MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey])
        #expect(result.code == 0, "\(result.all)")
        #expect(result.stdout.contains("valid: healthcare-default v1, 18 kinds"))
        #expect(!result.all.contains(MaskerProcess.validKey))
    }

    @Test func validateNamesUnknownKidWithoutTheKey() throws {
        let result = try MaskerProcess.run(["policy", "validate", shipped])
        #expect(result.code == 3)
        #expect(result.stdout.contains("configs/mask_policy.yaml:10:6: error[unknown_kid]"))
        #expect(result.stdout.contains("MASKER_KEY_K_HEALTHCARE"))
    }

    @Test func aMalformedKeyIsNamedButNeverPrinted() throws {
        let secretish = "bm90LWEtcmVhbC1rZXktYnV0LXNlY3JldA=="
        let result = try MaskerProcess.run(["policy", "validate", shipped], environment: ["MASKER_KEY_K_HEALTHCARE": secretish])
        #expect(result.code == 3)
        #expect(result.stdout.contains("invalid_key"))
        #expect(!result.all.contains(secretish))
    }

    @Test func anUnknownPassExits3NamingInvalidPass() throws {
        let result = try MaskerProcess.run(["policy", "validate", Repository.policyFixture("invalid/invalid_pass.yaml")],
                                           environment: ["MASKER_KEY_K_TEST": MaskerProcess.validKey])
        #expect(result.code == 3)
        #expect(result.stdout.contains("invalid_pass.yaml:7:5: error[invalid_pass] passes[1]: unknown pass \"gemini\""))
        #expect(result.stdout.contains("fix: "))
    }

    @Test func validateReportsEveryProblemAsJSON() throws {
        let result = try MaskerProcess.run(["policy", "validate", "--json", Repository.policyFixture("invalid/many_problems.yaml")])
        #expect(result.code == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == false)
        let issues = try #require(report["issues"] as? [[String: Any]])
        #expect(issues.compactMap { $0["code"] as? String } == ["unknown_key", "invalid_pass", "invalid_action", "duplicate_kind", "out_of_range"])
        #expect(issues.allSatisfy { $0["line"] is Int && $0["column"] is Int && $0["fix"] is String && $0["path"] is String })
    }

    @Test func validateReadsStandardInput() throws {
        let text = try String(contentsOfFile: Repository.policyFixture("minimal.yaml"), encoding: .utf8)
        let result = try MaskerProcess.run(["policy", "validate", "-"], environment: ["MASKER_KEY_K_TEST": MaskerProcess.validKey], stdin: text)
        #expect(result.code == 0, "\(result.all)")
        #expect(result.stdout.contains("<stdin>: valid"))
    }

    @Test func theSeedExampleValidatesWithItsKey() throws {
        let result = try MaskerProcess.run(["policy", "validate", Repository.policyFixture("seed-example.yaml")],
                                           environment: ["MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey])
        #expect(result.code == 0, "\(result.all)")
        #expect(result.stdout.contains("warning[undeclared_kinds]"))
    }

    @Test func devModeCountsAnExistingDevKeyButValidationNeverCreatesOne() throws {
        let scratch = try ScratchDirectory()
        let environment = ["MASKER_DEV": "1", "MASKER_DATA_DIR": scratch.url.path]
        let before = try MaskerProcess.run(["policy", "validate", shipped], environment: environment)
        #expect(before.code == 3)
        #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("keys").path))
        let keyDirectory = scratch.url.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keyDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: keyDirectory.appendingPathComponent("K_HEALTHCARE.key").path,
                                       contents: Data(MaskerProcess.validKey.utf8), attributes: [.posixPermissions: 0o600])
        let after = try MaskerProcess.run(["policy", "validate", shipped], environment: environment)
        #expect(after.code == 0, "\(after.all)")
    }

    @Test func aMissingFileExits1WithTheFix() throws {
        let result = try MaskerProcess.run(["policy", "validate", "no/such/policy.yaml"])
        #expect(result.code == 1)
        #expect(result.stderr.contains("cannot read policy file no/such/policy.yaml: no such file"))
    }

    @Test func diffShowsAChangedThreshold() throws {
        let scratch = try ScratchDirectory()
        let original = try String(contentsOf: Repository.url(shipped), encoding: .utf8)
        let changed = original.replacingOccurrences(of: "  PHONE:           # [D]\n    enabled: true\n    regex: true\n    ner: true\n    confidence_threshold: 0.6",
                                                    with: "  PHONE:           # [D]\n    enabled: true\n    regex: true\n    ner: true\n    confidence_threshold: 0.8")
        #expect(changed != original)
        let v2 = try scratch.write("v2.yaml", changed)
        let text = try MaskerProcess.run(["policy", "diff", shipped, v2])
        #expect(text.code == 0, "\(text.all)")
        #expect(text.stdout.contains("~ entities.PHONE.confidence_threshold: 0.6 → 0.8"))
        #expect(text.stdout.contains("1 threshold changed"))

        let json = try MaskerProcess.run(["policy", "diff", "--json", shipped, v2])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let changes = try #require(report["changes"] as? [[String: Any]])
        #expect(changes.count == 1)
        #expect(changes.first?["path"] as? String == "entities.PHONE.confidence_threshold")
        #expect(changes.first?["from"] as? Double == 0.6 && changes.first?["to"] as? Double == 0.8)
        #expect(report["identical"] as? Bool == false)
    }

    @Test func diffOfAnInvalidPolicyExits3() throws {
        let result = try MaskerProcess.run(["policy", "diff", shipped, Repository.policyFixture("invalid/invalid_scheme.yaml")])
        #expect(result.code == 3)
        #expect(result.stderr.contains("invalid_scheme"))
    }

    @Test func showPrintsTheEffectivePolicyAsJSON() throws {
        let result = try MaskerProcess.run(["policy", "show", "--json"])
        #expect(result.code == 0, "\(result.all)")
        let policy = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(policy["name"] as? String == "healthcare-default")
        #expect((policy["entities"] as? [String: Any])?.count == 18)
    }

    @Test func showFillsInDefaultsAndItsYAMLIsAValidPolicy() throws {
        let scratch = try ScratchDirectory()
        let shown = try MaskerProcess.run(["policy", "show", "--policy", Repository.policyFixture("minimal.yaml")])
        #expect(shown.code == 0, "\(shown.all)")
        #expect(shown.stdout.contains("epsilon: 0.5"))
        #expect(shown.stdout.contains("retention_days: 2555"))
        let path = try scratch.write("shown.yaml", shown.stdout)
        let revalidated = try MaskerProcess.run(["policy", "validate", path], environment: ["MASKER_KEY_K_TEST": MaskerProcess.validKey])
        #expect(revalidated.code == 0, "\(revalidated.all)")
        let diff = try MaskerProcess.run(["policy", "diff", Repository.policyFixture("minimal.yaml"), path])
        #expect(diff.stdout.contains("no differences"))
    }

    @Test func showRefusesAnInvalidPolicyUnlessInDevMode() throws {
        let bad = Repository.policyFixture("invalid/invalid_scheme.yaml")
        let production = try MaskerProcess.run(["policy", "show", "--policy", bad])
        #expect(production.code == 3)
        #expect(production.stderr.contains("invalid_scheme"))
        let scratch = try ScratchDirectory()
        let dev = try MaskerProcess.run(["policy", "show", "--policy", bad],
                                        environment: ["MASKER_DEV": "1", "MASKER_DATA_DIR": scratch.url.path])
        #expect(dev.code == 0, "\(dev.all)")
        #expect(dev.stdout.contains("MASKER_DEV fallback"))
        #expect(dev.stdout.contains("name: \"healthcare-default\""))
        #expect(dev.stderr.contains("invalid_scheme"))
    }

    @Test func thePolicyPathComesFromTheEnvironment() throws {
        let result = try MaskerProcess.run(["policy", "show", "--json"],
                                           environment: ["MASKER_POLICY_PATH": Repository.policyFixture("minimal.yaml")])
        #expect(result.stdout.contains("\"name\": \"minimal\""))
    }

    @Test func withoutAnyPolicyFileTheBuiltInDefaultIsShown() throws {
        let scratch = try ScratchDirectory()
        let result = try MaskerProcess.run(["policy", "show"], in: scratch.url)
        #expect(result.code == 0)
        #expect(result.stdout.contains("built-in default (no policy file found)"))
    }
}
