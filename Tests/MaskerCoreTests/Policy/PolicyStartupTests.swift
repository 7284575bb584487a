import MaskerCore
import MaskerTestSupport
import Testing

struct PolicyStartupTests {
    let invalidText = "name: x\nversion: 1\nkid: K_TEST\ntokenization: vault\npasses: [regex]\nentities:\n  PHONE:\n"

    @Test func productionRefusesAnInvalidPolicy() {
        let log = LogCapture()
        #expect(throws: PolicyInvalid.self) {
            try PolicyStartup.load(text: invalidText, source: "p.yaml", devMode: false, keyCheck: nil, logger: log.logger)
        }
        do {
            _ = try PolicyStartup.load(text: invalidText, source: "p.yaml", devMode: false, keyCheck: nil, logger: log.logger)
            Issue.record("expected invalid_scheme")
        } catch {
            #expect(error.issues.map(\.code) == [.invalidScheme])
            #expect(error.source == "p.yaml")
        }
    }

    @Test func devModeLogsTheProblemsAndFallsBackToTheDefault() throws {
        let log = LogCapture()
        let loaded = try PolicyStartup.load(text: invalidText, source: "p.yaml", devMode: true, keyCheck: nil, logger: log.logger)
        #expect(loaded.policy == .healthcareDefault)
        #expect(loaded.origin == .fallbackAfterErrors("p.yaml"))
        #expect(log.entries.contains { $0.level == .error && $0.message.contains("invalid_scheme") && $0.1.contains("p.yaml:4:15") })
        #expect(log.entries.contains { $0.level == .warning && $0.message.contains("falling back") })
    }

    @Test func aMissingKeyIsAStartupErrorInProduction() {
        let valid = "name: x\nversion: 1\nkid: K_TEST\ntokenization: vault-deterministic\npasses: [regex]\nentities:\n  PHONE:\n"
        let keyCheck: (Policy, SourcePosition) -> [PolicyIssue] = { policy, location in
            PolicyKeyCheck.issues(for: policy, kidLocation: location, keyRing: KeyRing(), keyErrors: [], devMode: false)
        }
        do {
            _ = try PolicyStartup.load(text: valid, source: "p.yaml", devMode: false, keyCheck: keyCheck, logger: LogCapture().logger)
            Issue.record("expected unknown_kid")
        } catch {
            #expect(error.issues.errors.map(\.code) == [.unknownKid])
            #expect(error.issues.errors.first?.line == 3)
        }
    }

    @Test func noFileMeansTheBuiltInDefault() throws {
        let loaded = try PolicyStartup.load(text: nil, source: "built-in", devMode: false, keyCheck: nil, logger: LogCapture().logger)
        #expect(loaded.origin == .builtInDefault)
        #expect(loaded.policy == .healthcareDefault)
    }

    @Test func anUnreadableFileFallsBackOnlyInDevMode() throws {
        let issue = PolicyIssue(.yamlSyntax, path: "", at: .start, message: "not UTF-8", fix: "save as UTF-8")
        #expect(throws: PolicyInvalid.self) {
            try PolicyStartup.load(text: nil, readIssues: [issue], source: "p.yaml", devMode: false, keyCheck: nil, logger: LogCapture().logger)
        }
        let loaded = try PolicyStartup.load(text: nil, readIssues: [issue], source: "p.yaml", devMode: true, keyCheck: nil, logger: LogCapture().logger)
        #expect(loaded.origin == .fallbackAfterErrors("p.yaml"))
    }
}
