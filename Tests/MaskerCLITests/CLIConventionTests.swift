import Foundation
import MaskerTestSupport
import Testing

struct CLIConventionTests {
    @Test func anUnknownFlagExits64WithHelp() throws {
        for arguments in [["--bogus"], ["policy", "validate", "--bogus"], ["keys", "generate", "--nope"]] {
            let result = try MaskerProcess.run(arguments)
            #expect(result.code == 64, "\(arguments)")
            #expect(result.stderr.contains("Unknown option"))
            #expect(result.stderr.contains("--help"))
        }
    }

    @Test func anUnknownSubcommandExits64() throws {
        #expect(try MaskerProcess.run(["frobnicate"]).code == 64)
    }

    @Test func helpAndVersionExit0() throws {
        let help = try MaskerProcess.run(["--help"])
        #expect(help.code == 0)
        #expect(help.stdout.contains("Exit codes: 0 ok, 1 error, 2 command-specific"))
        #expect(try MaskerProcess.run(["--version"]).stdout.contains("0.1.0"))
        #expect(try MaskerProcess.run(["policy", "validate", "--help"]).code == 0)
    }

    /// A doubled backslash at the end of a line in a discussion string prints a literal "\" in the
    /// help instead of joining the lines.
    @Test(arguments: ["detect", "mask", "rehydrate", "eval", "bench", "vault stats", "vault export", "vault purge",
                      "vault rotate-key", "policy validate", "policy diff", "policy show", "keys generate"])
    func helpTextHasNoStrayLineContinuations(_ command: String) throws {
        let help = try MaskerProcess.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(help.code == 0)
        #expect(!help.stdout.split(separator: "\n").contains { $0.hasSuffix("\\") }, "\(command)")
    }

    @Test func globalOptionsWorkBeforeAndAfterTheSubcommand() throws {
        let minimal = Repository.policyFixture("minimal.yaml")
        let before = try MaskerProcess.run(["--json", "--policy", minimal, "policy", "show"])
        let after = try MaskerProcess.run(["policy", "show", "--json", "--policy", minimal])
        #expect(before.code == 0 && after.code == 0)
        #expect(before.stdout == after.stdout)
        #expect(before.stdout.contains("\"name\": \"minimal\""))
    }

    @Test func quietSuppressesWarnings() throws {
        let seed = Repository.policyFixture("seed-example.yaml")
        let environment = ["MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey]
        let normal = try MaskerProcess.run(["policy", "validate", seed], environment: environment)
        let quiet = try MaskerProcess.run(["policy", "validate", "--quiet", seed], environment: environment)
        #expect(normal.stdout.contains("warning["))
        #expect(quiet.code == 0 && quiet.stdout.isEmpty)
    }

    @Test func keysGeneratePrintsAnEnvLineWithAFreshKey() throws {
        let first = try MaskerProcess.run(["keys", "generate", "--kid", "K_CLINIC"])
        let second = try MaskerProcess.run(["keys", "generate", "--kid", "K_CLINIC"])
        #expect(first.code == 0)
        let line = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("MASKER_KEY_K_CLINIC="))
        #expect(Data(base64Encoded: String(line.dropFirst("MASKER_KEY_K_CLINIC=".count)))?.count == 32)
        #expect(first.stdout != second.stdout)
        // The printed line is directly usable.
        let value = String(line.dropFirst("MASKER_KEY_K_CLINIC=".count))
        let scratch = try ScratchDirectory()
        let policy = try scratch.write("p.yaml", "name: c\nversion: 1\nkid: K_CLINIC\ntokenization: vault-deterministic\npasses: [regex]\nentities:\n  PHONE:\n")
        #expect(try MaskerProcess.run(["policy", "validate", policy], environment: ["MASKER_KEY_K_CLINIC": value]).code == 0)
    }

    @Test func keysGenerateDefaultsToThePolicysKidAndRejectsBadKids() throws {
        let result = try MaskerProcess.run(["keys", "generate"])
        #expect(result.stdout.hasPrefix("MASKER_KEY_K_HEALTHCARE="))
        let json = try MaskerProcess.run(["keys", "generate", "--json", "--kid", "K2"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["variable"] as? String == "MASKER_KEY_K2")
        let bad = try MaskerProcess.run(["keys", "generate", "--kid", "bad.kid"])
        #expect(bad.code == 64)
        #expect(bad.stderr.contains("letters, digits or underscores"))
    }

    @Test func aConfigFileSuppliesThePolicyRelativeToItself() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("policies/p.yaml", "name: from-config\nversion: 1\nkid: K\ntokenization: vault-deterministic\npasses: [regex]\nentities:\n  PHONE:\n")
        let config = try scratch.write("masker.toml", "policy = \"policies/p.yaml\"\nserver = \"http://127.0.0.1:8080\"\n")
        let viaFlag = try MaskerProcess.run(["policy", "show", "--json", "--config", config])
        #expect(viaFlag.stdout.contains("\"name\": \"from-config\""), "\(viaFlag.all)")
        let viaEnvironment = try MaskerProcess.run(["policy", "show", "--json"], environment: ["MASKER_CONFIG": config])
        #expect(viaEnvironment.stdout.contains("\"name\": \"from-config\""))
        let viaWorkingDirectory = try MaskerProcess.run(["policy", "show", "--json"], in: scratch.url)
        #expect(viaWorkingDirectory.stdout.contains("\"name\": \"from-config\""))
        let home = try ScratchDirectory()
        _ = try home.write(".config/masker/config.toml", "policy = \"\(scratch.url.path)/policies/p.yaml\"\n")
        let viaHome = try MaskerProcess.run(["policy", "show", "--json"], in: home.url, home: home.url)
        #expect(viaHome.stdout.contains("\"name\": \"from-config\""), "\(viaHome.all)")
        // Flags beat the config file.
        let flagWins = try MaskerProcess.run(["policy", "show", "--json", "--config", config, "--policy", Repository.policyFixture("minimal.yaml")])
        #expect(flagWins.stdout.contains("\"name\": \"minimal\""))
    }

    @Test func configErrorsNameTheFileAndTheFix() throws {
        let scratch = try ScratchDirectory()
        let unknown = try scratch.write("unknown.toml", "polcy = \"x.yaml\"\n")
        let result = try MaskerProcess.run(["policy", "show", "--config", unknown])
        #expect(result.code == 1)
        #expect(result.stderr.contains("unknown key 'polcy' (did you mean \"policy\"?)"))
        let broken = try scratch.write("broken.toml", "policy = \"unterminated\n")
        let syntax = try MaskerProcess.run(["policy", "show", "--config", broken])
        #expect(syntax.code == 1)
        #expect(syntax.stderr.contains("broken.toml:1:"))
        let missing = try MaskerProcess.run(["policy", "show", "--config", "/no/such.toml"])
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("does not exist"))
    }

    @Test func maskerVoiceInspectsRecordings() throws {
        let scratch = try ScratchDirectory()
        // 0.5 s of 16 kHz mono silence, written by hand as a canonical WAV header + samples.
        let data = TestWAV.silence(seconds: 0.5)
        let wav = scratch.url.appendingPathComponent("call.wav")
        try data.write(to: wav)
        let ok = try MaskerProcess.run(["inspect", wav.path], binary: "masker-voice")
        #expect(ok.code == 0, "\(ok.all)")
        #expect(ok.stdout.contains("16000 Hz, 1 channel(s), 0.50 s"))
        #expect(ok.stdout.contains("ready for local speech recognition"))
        let text = try scratch.write("notes.txt", "not audio")
        let bad = try MaskerProcess.run(["inspect", text], binary: "masker-voice")
        #expect(bad.code == 1)
        #expect(bad.stderr.contains("not a RIFF/WAVE file"))
    }
}
