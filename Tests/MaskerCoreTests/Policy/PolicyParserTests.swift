import Foundation
import MaskerCore
import Testing

struct PolicyParserTests {
    struct Expectation: CustomTestStringConvertible, Sendable {
        var fixture: String
        var code: PolicyIssueCode
        var path: String
        var line: Int
        var column: Int
        var testDescription: String { fixture }
    }

    /// One fixture per error code, with the exact place the issue must point at.
    static let errorCases: [Expectation] = [
        .init(fixture: "yaml_syntax", code: .yamlSyntax, path: "", line: 6, column: 9),
        .init(fixture: "invalid_type", code: .invalidType, path: "entities.PHONE.enabled", line: 9, column: 14),
        .init(fixture: "unknown_key", code: .unknownKey, path: "entities.PHONE.confidence_treshold", line: 9, column: 5),
        .init(fixture: "duplicate_key", code: .duplicateKey, path: "kid", line: 5, column: 1),
        .init(fixture: "missing_field", code: .missingField, path: "kid", line: 1, column: 1),
        .init(fixture: "unsupported_version", code: .unsupportedVersion, path: "version", line: 2, column: 10),
        .init(fixture: "invalid_kid", code: .invalidKid, path: "kid", line: 3, column: 6),
        .init(fixture: "invalid_pass", code: .invalidPass, path: "passes[1]", line: 7, column: 5),
        .init(fixture: "duplicate_pass", code: .duplicatePass, path: "passes[2]", line: 8, column: 5),
        .init(fixture: "missing_entity", code: .missingEntity, path: "passes[1].gemma.entities", line: 7, column: 30),
        .init(fixture: "unknown_entity", code: .unknownEntity, path: "entities.PHNOE", line: 9, column: 3),
        .init(fixture: "duplicate_kind", code: .duplicateKind, path: "entities.PHONE", line: 10, column: 3),
        .init(fixture: "invalid_action", code: .invalidAction, path: "entities.PHONE.action", line: 9, column: 13),
        .init(fixture: "invalid_scheme", code: .invalidScheme, path: "tokenization", line: 4, column: 15),
        .init(fixture: "out_of_range", code: .outOfRange, path: "epsilon", line: 4, column: 10),
        .init(fixture: "invalid_pattern", code: .invalidPattern, path: "entities.MRN.patterns[1]", line: 11, column: 9),
        .init(fixture: "unmasked_caller", code: .unmaskedCaller, path: "passes[1].diarize.mask_speakers", line: 7, column: 30),
    ]

    @Test(arguments: errorCases)
    func eachErrorCodeIsReportedAtItsLine(_ expected: Expectation) throws {
        let result = PolicyParser.parse(try Fixture.text("policies/invalid/\(expected.fixture).yaml"))
        #expect(result.policy == nil)
        let issue = try #require(result.issues.first { $0.code == expected.code },
                                 "no \(expected.code.rawValue) in \(result.issues.map(\.code.rawValue))")
        #expect(issue.severity == .error)
        #expect(issue.path == expected.path)
        #expect(issue.line == expected.line)
        #expect(issue.column == expected.column)
        #expect(!issue.message.isEmpty)
        #expect(!issue.fix.isEmpty)
    }

    @Test func didYouMeanNamesTheClosestSpelling() throws {
        let pass = PolicyParser.parse(try Fixture.text("policies/invalid/invalid_pass.yaml"))
        #expect(pass.issues.errors.first?.message.contains("did you mean \"gemma\"") == true)
        let key = PolicyParser.parse(try Fixture.text("policies/invalid/unknown_key.yaml"))
        #expect(key.issues.errors.first?.message.contains("did you mean \"confidence_threshold\"") == true)
        let kind = PolicyParser.parse(try Fixture.text("policies/invalid/unknown_entity.yaml"))
        #expect(kind.issues.errors.first?.message.contains("did you mean \"PHONE\"") == true)
        let scheme = PolicyParser.parse(try Fixture.text("policies/invalid/invalid_scheme.yaml"))
        #expect(scheme.issues.errors.first?.message.contains("did you mean \"vault-deterministic\"") == true)
        let action = PolicyParser.parse(try Fixture.text("policies/invalid/invalid_action.yaml"))
        #expect(action.issues.errors.first?.message.contains("did you mean \"tokenize\"") == true)
    }

    @Test func everyOutOfRangeValueIsReported() throws {
        let result = PolicyParser.parse(try Fixture.text("policies/invalid/out_of_range.yaml"))
        let located = result.issues.errors.filter { $0.code == .outOfRange }.map { "\($0.path)@\($0.line)" }
        #expect(located == ["epsilon@4", "entities.PHONE.confidence_threshold@10", "audit.retention_days@12"])
    }

    @Test func allProblemsAreReportedInOneRun() throws {
        let result = PolicyParser.parse(try Fixture.text("policies/invalid/many_problems.yaml"))
        let found = result.issues.errors.map { "\($0.code.rawValue)@\($0.line)" }
        #expect(found == [
            "unknown_key@5", "invalid_pass@8", "invalid_action@11", "duplicate_kind@12", "out_of_range@15",
        ])
    }

    @Test func issuesAreSortedByPosition() throws {
        let result = PolicyParser.parse(try Fixture.text("policies/invalid/many_problems.yaml"))
        let positions = result.issues.map { $0.line * 10_000 + $0.column }
        #expect(positions.count > 1)
        #expect(positions == positions.sorted())
    }

    @Test func warningsDoNotInvalidate() throws {
        let undetected = PolicyParser.parse(try Fixture.text("policies/warnings/entity_not_detected.yaml"))
        #expect(undetected.policy != nil)
        let warning = try #require(undetected.issues.first { $0.code == .entityNotDetected })
        #expect(warning.severity == .warning && warning.path == "entities.NAME" && warning.line == 9)

        let seeded = PolicyParser.parse(try Fixture.text("policies/warnings/fixed_seed.yaml"))
        #expect(seeded.policy?.synthetic.seed == 0xC0FFEE)
        #expect(seeded.issues.contains { $0.code == .fixedSeed && $0.severity == .warning })
    }

    @Test func theSeedExampleLoadsVerbatim() throws {
        let result = PolicyParser.parse(try Fixture.text("policies/seed-example.yaml"))
        #expect(result.issues.errors.isEmpty)
        let policy = try #require(result.policy)
        #expect(policy.name == "healthcare-default")
        #expect(policy.kid == "K_HEALTHCARE")
        #expect(policy.epsilon == 0.5)
        #expect(policy.tokenization == .vaultDeterministic)
        #expect(policy.passes == [DetectionPass(.regex), DetectionPass(.gemma)])
        #expect(policy.entities.count == 9)
        #expect(policy.entities[.name] == EntityRule(regex: false, ner: true, confidenceThreshold: 0.7))
        #expect(policy.entities[.ssn] == EntityRule(ner: false, confidenceThreshold: 0.0))
        #expect(policy.entities[.ipAddress]?.action == .redact)
        #expect(policy.audit == AuditSettings(logEvents: true, logPayloads: false, retentionDays: 2555))
        #expect(policy.description.hasPrefix("HIPAA Safe Harbor coverage"))
        // It declares 9 of the 18 kinds; the others are named in a warning, not an error.
        let warning = try #require(result.issues.first { $0.code == .undeclaredKinds })
        #expect(warning.message.contains("FAX") && warning.message.contains("URL"))
    }

    @Test func theShippedPolicyIsTheBuiltInDefault() throws {
        let result = PolicyParser.parse(try Fixture.repositoryText("configs/mask_policy.yaml"))
        #expect(result.issues.isEmpty, "\(result.issues)")
        #expect(result.policy == .healthcareDefault)
    }

    @Test func theDefaultPolicyDeclaresEverySafeHarborKindThatTextCarries() {
        let policy = Policy.healthcareDefault
        #expect(policy.undeclaredKinds.isEmpty)
        for category in SafeHarborCategory.allCases where !category.kinds.isEmpty {
            #expect(category.kinds.allSatisfy { policy.isDetected($0) }, "category \(category.rawValue)")
        }
        #expect(SafeHarborCategory.p.kinds.isEmpty && SafeHarborCategory.q.kinds.isEmpty)
    }

    @Test func maskSpeakersIsTheDiarizePassesAndNamesTheCaller() throws {
        func parse(_ pass: String) -> PolicyParseResult {
            PolicyParser.parse("name: p\nversion: 1\nkid: K_TEST\ntokenization: vault-deterministic\npasses:\n  - regex\n  - \(pass)\nentities:\n  PHONE: {}\n")
        }
        let caller = try #require(parse("diarize: {mask_speakers: [caller]}").policy)
        #expect(caller.maskedSpeakers == [.caller])
        #expect(caller.diarizes)
        // Both sides listed is the default written out: everyone is masked.
        let both = try #require(parse("diarize: {mask_speakers: [agent, caller]}").policy)
        #expect(both.maskedSpeakers == nil && both.passes[1] == DetectionPass(.diarize))
        #expect(try #require(parse("diarize").policy).maskedSpeakers == nil)

        let onGemma = parse("gemma: {mask_speakers: [caller]}")
        #expect(onGemma.policy == nil && onGemma.issues.errors.first?.code == .invalidPass)
        let misspelt = parse("diarize: {mask_speakers: [caler]}")
        #expect(misspelt.issues.errors.first?.code == .outOfRange)
        #expect(misspelt.issues.errors.first?.message.contains("did you mean \"caller\"") == true)
        let unknown = parse("diarize: {mask_speakers: [caller, unknown]}")
        #expect(unknown.issues.errors.first?.message.contains("always masked") == true)
        let notAList = parse("diarize: {mask_speakers: caller}")
        #expect(notAList.issues.errors.first?.code == .invalidType)
        let none = parse("diarize: {mask_speakers: []}")
        #expect(none.issues.errors.first?.code == .unmaskedCaller)
    }

    @Test func maskSpeakersRoundTripsThroughYAMLAndJSON() throws {
        var policy = Policy.healthcareDefault
        policy.passes.append(DetectionPass(.diarize, maskSpeakers: [.caller]))
        #expect(PolicyParser.parse(policy.yamlText).policy == policy)
        #expect(policy.yamlText.contains("  - diarize: {mask_speakers: [caller]}\n"))
        guard case let .array(passes)? = policy.jsonValue["passes"] else { Issue.record("no passes"); return }
        #expect(passes.last == .object([("diarize", .object([("mask_speakers", .array([.string("caller")]))]))]))
    }

    @Test func defaultsAreFilledIn() throws {
        let policy = try #require(PolicyParser.parse(try Fixture.text("policies/minimal.yaml")).policy)
        #expect(policy.epsilon == 0.5)
        #expect(policy.description == "")
        #expect(policy.synthetic == SyntheticSettings(seed: nil, preserveLocale: true, k: 5))
        #expect(policy.audit == AuditSettings())
        #expect(policy.entities[.phone] == EntityRule(enabled: true, regex: true, ner: true, confidenceThreshold: 0.6, action: .tokenize))
        #expect(policy.entities[.name]?.regex == false)
    }

    @Test func scopeIsSessionByDefaultAndGlobalWhenAsked() throws {
        let yaml = try Fixture.text("policies/minimal.yaml")
        #expect(PolicyParser.parse(yaml).policy?.scope == .session)
        #expect(PolicyParser.parse(yaml + "scope: global\n").policy?.scope == .global)
        let bad = PolicyParser.parse(yaml + "scope: globel\n")
        #expect(bad.issues.errors.map(\.code) == [.outOfRange])
        #expect(bad.issues.errors.first?.message.contains("did you mean \"global\"") == true)
    }

    @Test func anAllowListIsReadRenderedAndDiffed() throws {
        let yaml = try Fixture.text("policies/minimal.yaml")
        #expect(PolicyParser.parse(yaml).policy?.allow == [])
        let policy = try #require(PolicyParser.parse(yaml + "allow:\n  - Sunrise Clinic\n  - \"Masker: Health\"\n").policy)
        #expect(policy.allow == ["Sunrise Clinic", "Masker: Health"])
        #expect(PolicyParser.parse(policy.yamlText).policy == policy)
        var original = policy
        original.allow = []
        #expect(PolicyDiff(from: original, to: policy).changes.map(\.path) == ["allow"])
        let notAList = PolicyParser.parse(yaml + "allow: Sunrise Clinic\n")
        #expect(notAList.issues.errors.map(\.code) == [.invalidType])
        #expect(notAList.issues.errors.first?.path == "allow")
        let tooLong = PolicyParser.parse(yaml + "allow:\n  - a b c d e f g h i\n")
        #expect(tooLong.issues.errors.map(\.path) == ["allow[0]"])
    }

    @Test func aPassMayBeRestrictedToKinds() throws {
        let yaml = try Fixture.text("policies/minimal.yaml")
            .replacingOccurrences(of: "  - gemma\n", with: "  - gemma: {entities: [NAME]}\n")
        let policy = try #require(PolicyParser.parse(yaml).policy)
        #expect(policy.passes[1] == DetectionPass(.gemma, entities: [.name]))
        #expect(policy.isDetected(.name))
    }

    @Test func quotedScalarsKeepTheirStringType() {
        let yaml = """
        name: q
        version: "1"
        kid: K_TEST
        tokenization: vault-deterministic
        passes: [regex]
        entities:
          PHONE: {regex: "true", confidence_threshold: ".5"}
        """
        let codes = PolicyParser.parse(yaml).issues.errors.map { "\($0.code.rawValue) \($0.path)" }
        #expect(codes == ["invalid_type version", "invalid_type entities.PHONE.regex", "invalid_type entities.PHONE.confidence_threshold"])
    }

    @Test func yaml11BooleansAndSpecialFloatsAreRejected() {
        let yaml = """
        name: q
        version: 1
        kid: K_TEST
        epsilon: .inf
        tokenization: vault-deterministic
        passes: [regex]
        entities:
          PHONE: {enabled: yes, confidence_threshold: nan}
        """
        let paths = PolicyParser.parse(yaml).issues.errors.map(\.path)
        #expect(paths == ["epsilon", "entities.PHONE.enabled", "entities.PHONE.confidence_threshold"])
    }

    @Test(arguments: [("0xC0FFEE", UInt64(0xC0FFEE)), ("12345", 12345), ("18446744073709551615", UInt64.max), ("0x_ff", 255)])
    func seedsAreDecimalOrHex(_ text: String, _ expected: UInt64) throws {
        let yaml = "name: s\nversion: 1\nkid: K\ntokenization: synthetic\nsynthetic:\n  seed: \(text)\npasses: [regex]\nentities:\n  PHONE:\n"
        #expect(PolicyParser.parse(yaml).policy?.synthetic.seed == expected)
    }

    @Test func anOversizedSeedIsOutOfRange() {
        let yaml = "name: s\nversion: 1\nkid: K\ntokenization: synthetic\nsynthetic:\n  seed: 18446744073709551616\npasses: [regex]\nentities:\n  PHONE:\n"
        #expect(PolicyParser.parse(yaml).issues.errors.map(\.code) == [.outOfRange])
    }

    @Test func emptyAndNonMappingDocumentsAreCodedErrors() {
        #expect(PolicyParser.parse("").issues.map(\.code) == [.invalidType])
        #expect(PolicyParser.parse("# only a comment\n").issues.map(\.code) == [.invalidType])
        #expect(PolicyParser.parse("- a\n- b\n").issues.map(\.code) == [.invalidType])
        #expect(PolicyParser.parse("a: 1\n---\nb: 2\n").issues.map(\.code) == [.yamlSyntax])
    }

    @Test func anOversizedFileIsRefusedBeforeParsing() {
        let text = "name: x\n" + String(repeating: "# padding\n", count: PolicyParser.maxBytes / 10 + 1)
        let result = PolicyParser.parse(text)
        #expect(result.issues.map(\.code) == [.yamlSyntax])
        #expect(result.issues.first?.message.contains("limit") == true)
    }

    @Test func theEffectivePolicyRoundTripsThroughItsYAML() throws {
        let seeded = try #require(PolicyParser.parse(try Fixture.text("policies/warnings/fixed_seed.yaml")).policy)
        for policy in [Policy.healthcareDefault, seeded] {
            let reparsed = PolicyParser.parse(policy.yamlText)
            #expect(reparsed.issues.errors.isEmpty, "\(reparsed.issues)")
            #expect(reparsed.policy == policy)
        }
        var restricted = Policy.healthcareDefault
        restricted.passes = [DetectionPass(.regex), DetectionPass(.gemma, entities: [.name, .address]), DetectionPass(.diarize)]
        restricted.name = "quotes \" and: colons # hash"
        #expect(PolicyParser.parse(restricted.yamlText).policy == restricted)
    }

    @Test func theEffectivePolicyAsJSONKeepsSchemaOrder() throws {
        let json = Policy.healthcareDefault.jsonValue.serialized(indent: 2)
        let keys = ["\"name\"", "\"version\"", "\"description\"", "\"kid\"", "\"epsilon\"", "\"tokenization\"",
                    "\"synthetic\"", "\"passes\"", "\"entities\"", "\"audit\""]
        let offsets = keys.map { json.range(of: $0)!.lowerBound }
        #expect(offsets == offsets.sorted())
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((object?["entities"] as? [String: Any])?.count == EntityKind.allCases.count)
    }
}

struct PolicyPatternTests {
    let yaml = """
    name: site
    version: 1
    kid: K
    tokenization: vault-deterministic
    passes: [regex]
    entities:
      MRN:
        patterns: ['H\\d{2}-\\d{5}', "ZZ[0-9]{6}"]
    """

    @Test func patternsLoadRoundTripAndDetect() throws {
        let policy = try #require(PolicyParser.parse(yaml).policy)
        #expect(policy.entities[.mrn]?.patterns == ["H\\d{2}-\\d{5}", "ZZ[0-9]{6}"])
        #expect(PolicyParser.parse(policy.yamlText).policy == policy)
        let found = DetectionPipeline(policy: policy).detect("seen h12-34567 and zz123456 é")
        #expect(found.map(\.text) == ["h12-34567", "zz123456"])
        #expect(found.allSatisfy { $0.kind == .mrn && $0.recognizer == "policy_pattern" })
    }

    @Test func spansAreScalarOffsetsEvenAfterSurrogatePairs() throws {
        let policy = try #require(PolicyParser.parse(yaml).policy)
        let found = try #require(DetectionPipeline(policy: policy).detect("🙂🙂 ZZ123456").first)
        #expect(found.start == 3 && found.end == 11)
    }

    @Test func emptyAndEmptyMatchingPatternsAreRefused() {
        let bad = yaml.replacingOccurrences(of: "['H\\d{2}-\\d{5}', \"ZZ[0-9]{6}\"]", with: "['', 'a*']")
        #expect(PolicyParser.parse(bad).issues.errors.map(\.code) == [.invalidPattern, .invalidPattern])
    }

    @Test func aPatternChangeIsADiff() throws {
        let before = try #require(PolicyParser.parse(yaml).policy)
        var after = before
        after.entities[.mrn]?.patterns.append("Q\\d{4}")
        #expect(PolicyDiff(from: before, to: after).changes.map(\.category) == [.patterns])
    }
}
