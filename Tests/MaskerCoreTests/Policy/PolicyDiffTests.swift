import MaskerCore
import Testing

struct PolicyDiffTests {
    @Test func identicalPoliciesHaveNoDifferences() {
        let diff = PolicyDiff(from: .healthcareDefault, to: .healthcareDefault)
        #expect(diff.isEmpty)
        #expect(diff.summary == "no differences")
    }

    @Test func aChangedThresholdIsShownWithBothValues() {
        var changed = Policy.healthcareDefault
        changed.entities[.phone]?.confidenceThreshold = 0.8
        let diff = PolicyDiff(from: .healthcareDefault, to: changed)
        #expect(diff.changes.map(\.line) == ["~ entities.PHONE.confidence_threshold: 0.6 → 0.8"])
        #expect(diff.changes.first?.category == .threshold)
        #expect(diff.summary == "1 threshold changed")
    }

    @Test func leavingTheAgentsLinesAloneIsAPassChange() {
        var diarized = Policy.healthcareDefault
        diarized.passes.append(DetectionPass(.diarize))
        var callerOnly = diarized
        callerOnly.passes[2] = DetectionPass(.diarize, maskSpeakers: [.caller])
        let diff = PolicyDiff(from: diarized, to: callerOnly)
        #expect(diff.changes.map(\.line) == ["~ passes: [regex, gemma, diarize] → [regex, gemma, diarize{mask_speakers:caller}]"])
        #expect(diff.summary == "1 pass list changed")
    }

    @Test func everyKindOfChangeIsCategorised() {
        var new = Policy.healthcareDefault
        new.entities[.fax] = nil
        new.entities[.ssn]?.action = .redact
        new.entities[.name]?.ner = false
        new.passes.append(DetectionPass(.diarize))
        new.tokenization = .reversibleAEAD
        new.kid = "K_2027"
        new.epsilon = 1.0
        new.synthetic.seed = 7
        new.audit.retentionDays = 365
        var old = Policy.healthcareDefault
        old.entities[.vehicle] = nil
        let diff = PolicyDiff(from: old, to: new)
        let byPath = Dictionary(uniqueKeysWithValues: diff.changes.map { ($0.path, $0) })
        #expect(byPath["entities.FAX"]?.change == .removed)
        #expect(byPath["entities.VEHICLE"]?.change == .added)
        #expect(byPath["entities.SSN.action"]?.line == "~ entities.SSN.action: tokenize → redact")
        #expect(byPath["entities.NAME.ner"]?.category == .flag)
        #expect(byPath["passes"]?.line == "~ passes: [regex, gemma] → [regex, gemma, diarize]")
        #expect(byPath["tokenization"]?.category == .scheme)
        #expect(byPath["kid"]?.line == "~ kid: K_HEALTHCARE → K_2027")
        #expect(byPath["epsilon"]?.category == .epsilon)
        #expect(byPath["synthetic.seed"]?.line == "~ synthetic.seed: null → 7")
        #expect(byPath["audit.retention_days"]?.category == .audit)
        #expect(diff.summary.contains("1 entity added") && diff.summary.contains("1 entity removed")
            && diff.summary.contains("1 action changed") && diff.summary.contains("1 flag changed"))
    }

    @Test func writingADefaultOutIsNotAChange() throws {
        let terse = "name: p\nversion: 1\nkid: K\ntokenization: vault-deterministic\npasses: [regex]\nentities:\n  PHONE:\n"
        let explicit = terse.replacingOccurrences(of: "  PHONE:\n", with: "  PHONE: {enabled: true, confidence_threshold: 0.6}\nepsilon: 0.5\n")
        let a = try #require(PolicyParser.parse(terse).policy)
        let b = try #require(PolicyParser.parse(explicit).policy)
        #expect(PolicyDiff(from: a, to: b).isEmpty)
    }

    @Test func restrictedPassesAreComparedWithTheirKinds() {
        var new = Policy.healthcareDefault
        new.passes[1] = DetectionPass(.gemma, entities: [.name])
        let diff = PolicyDiff(from: .healthcareDefault, to: new)
        #expect(diff.changes.map(\.line) == ["~ passes: [regex, gemma] → [regex, gemma{NAME}]"])
    }
}
