import Foundation
@testable import MaskerCore
import Testing

struct DetectionPipelineTests {
    let text = "call (415) 555-2671 or email sarah.chen@gmail.com, SSN 219-45-6789"

    @Test func reportsSpansAsUnicodeScalarOffsetsIntoTheInput() throws {
        let input = "José 🙂 (415) 555-2671"
        let detection = try #require(DetectionPipeline(policy: .healthcareDefault).detect(input).first { $0.kind == .phone })
        #expect(detection.start == 7 && detection.end == 21)
        let scalars = Array(input.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[detection.start..<detection.end])) == detection.text)
    }

    @Test func spanTextIsRightAfterNonASCIIInsideWords() throws {
        // "š" inside a word once left the text marked ASCII, and span text was sliced by bytes.
        for input in ["Matuška 99 Derry Street", "Núñez lives at 12 Elm Court", "José 🙂 SSN 219-45-6789"] {
            for detection in DetectionPipeline(policy: .healthcareDefault).detect(input) {
                let scalars = Array(input.unicodeScalars)
                #expect(detection.text == String(String.UnicodeScalarView(scalars[detection.start..<detection.end])), "\(input)")
            }
        }
    }

    @Test func disabledKindsAndRegexFalseAreNotReported() {
        var policy = Policy.healthcareDefault
        policy.entities[.phone]?.enabled = false
        policy.entities[.email]?.regex = false
        let kinds = DetectionPipeline(policy: policy).detect(text).map(\.kind)
        #expect(kinds == [.ssn])
    }

    @Test func undeclaredKindsAreNotReported() {
        var policy = Policy.healthcareDefault
        policy.entities[.ssn] = nil
        #expect(!DetectionPipeline(policy: policy).detect(text).contains { $0.kind == .ssn })
    }

    @Test func aRestrictedPassOnlyLooksForItsKinds() {
        var policy = Policy.healthcareDefault
        policy.passes = [DetectionPass(.regex, entities: [.email])]
        #expect(DetectionPipeline(policy: policy).detect(text).map(\.kind) == [.email])
    }

    @Test func thresholdsDropLowConfidenceSpansAndTheOverrideReplacesThem() {
        let bare = "it was 4155552671"   // ten bare digits, no phone context: 0.6
        #expect(DetectionPipeline(policy: .healthcareDefault).detect(bare).map(\.kind) == [.phone])
        var strict = Policy.healthcareDefault
        strict.entities[.phone]?.confidenceThreshold = 0.7
        #expect(DetectionPipeline(policy: strict).detect(bare).isEmpty)
        #expect(DetectionPipeline(policy: strict, options: DetectionOptions(threshold: 0.5)).detect(bare).count == 1)
    }

    @Test func touchingSpansBecomeOneSoTheirTokensStaySeparable() {
        func detection(_ kind: EntityKind, _ start: Int, _ end: Int, _ confidence: Double) -> Detection {
            Detection(pass: .gemma, kind: kind, start: start, end: end, text: "", confidence: confidence, recognizer: "t")
        }
        let joined = DetectionPipeline.joinTouching([detection(.name, 0, 12, 0.9), detection(.address, 12, 20, 0.7),
                                                     detection(.name, 25, 30, 0.8)])
        #expect(joined.map { [$0.start, $0.end] } == [[0, 20], [25, 30]])
        #expect(joined.map(\.kind) == [.name, .name])
    }

    @Test func passesCanBeNarrowed() {
        let pipeline = DetectionPipeline(policy: .healthcareDefault, options: DetectionOptions(passes: [.gemma]))
        // Regex excluded: the phone, email and SSN are not found; the NER pass still runs.
        #expect(pipeline.detect(text).allSatisfy { $0.pass == .gemma && [.name, .address].contains($0.kind) })
        #expect(pipeline.activePasses == [.gemma])
        #expect(DetectionPipeline(policy: .healthcareDefault).activePasses == [.regex, .gemma])
        #expect(DetectionPipeline(policy: .healthcareDefault, tagger: nil).activePasses == [.regex])
    }

    @Test func eventsHaveTheSpecifiedShape() throws {
        let detection = try #require(DetectionPipeline(policy: .healthcareDefault).detect("SSN 219-45-6789").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(detection.event.serialized().utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["pass", "kind", "span", "text", "confidence"])
        #expect(object["span"] as? [Int] == [4, 15])
        #expect(object["pass"] as? String == "regex")
    }

    @Test func llmSpansReplaceTheTaggerAndNameTheirBackend() throws {
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        let input = "this is maria lopez, ssn 219-45-6789"
        let embedded = try #require(pipeline.detect(input).first { $0.kind == .name })
        #expect(embedded.backend == .embedded && embedded.event["backend"] == .string("embedded"))
        // The LLM calls the SSN's digits a name too: a shaped identifier found earlier outranks it.
        let llm = pipeline.detect(input, gemma: [
            Candidate(kind: .name, start: 8, end: 13, confidence: 0.9),
            Candidate(kind: .name, start: 25, end: 36, confidence: 0.9),
            Candidate(kind: .address, start: 14, end: 19, confidence: 0.5),   // under ADDRESS's 0.6
        ])
        #expect(llm.map(\.text) == ["maria", "219-45-6789"])
        #expect(llm.map(\.backend) == [.llm, nil])
        #expect(llm[0].event["backend"] == .string("llm"))
        #expect(pipeline.detect("SSN 219-45-6789").first?.event["backend"] == nil)
    }

    @Test func theGemmaKindsAreWhatThePassWouldReport() {
        #expect(DetectionPipeline(policy: .healthcareDefault).gemmaKinds.isSuperset(of: [.name, .address]))
        #expect(!DetectionPipeline(policy: .healthcareDefault).gemmaKinds.contains(.ssn))
        #expect(DetectionPipeline(policy: .healthcareDefault, options: DetectionOptions(passes: [.regex])).gemmaKinds.isEmpty)
        // Without an embedded model the pass still takes an LLM's spans.
        let bare = DetectionPipeline(policy: .healthcareDefault, tagger: nil)
        #expect(bare.gemmaKinds.contains(.name))
        #expect(bare.detect("call bob", gemma: [Candidate(kind: .name, start: 5, end: 8, confidence: 0.9)]).map(\.text) == ["bob"])
    }

    @Test func emptyInputHasNoDetections() {
        #expect(DetectionPipeline(policy: .healthcareDefault).detect("").isEmpty)
        #expect(DetectionPipeline(policy: .healthcareDefault).detect("   \n ").isEmpty)
    }

    @Test func arbitraryTextNeverCrashes() {
        var generator = SplitMix64(state: 99)
        let alphabet = Array("0123456789 -.,()/@:+#'abcxyzMAYoh\u{00E9}\u{1F642}\n\t")
        let words = ["four", "one", "oh", "double", "dot", "at", "com", "may", "twelfth", "ssn", "mrn", "st", "fax", "hundred", "thousand"]
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...60, using: &generator) {
                if Bool.random(using: &generator) { text.append(alphabet.randomElement(using: &generator)!) }
                else { text += " " + words.randomElement(using: &generator)! }
            }
            let scalars = text.unicodeScalars.count
            for detection in pipeline.detect(text) {
                #expect(detection.start >= 0 && detection.start < detection.end && detection.end <= scalars)
            }
        }
    }
}

struct SpanMergerTests {
    @Test func oneSpanPerStretchByConfidenceThenLength() {
        // An email is also a bare domain (URL 0.6): the email (0.95) wins the stretch.
        let detections = DetectionPipeline(policy: .healthcareDefault).detect("write to sarah.chen@gmail.com")
        #expect(detections.map(\.kind) == [.email])
        // A VIN-shaped value after "plate" is both a plate (0.85) and a VIN (0.95): one span remains.
        let vehicle = DetectionPipeline(policy: .healthcareDefault).detect("license plate 1HGCM82633A004352")
        #expect(vehicle.count == 1 && vehicle.first?.confidence == 0.95)
    }
}

struct DetectionEvaluationTests {
    @Test func countsOverlapMatchesOfTheSameKindOnce() {
        var evaluation = DetectionEvaluation()
        let text = "call 415 555 2671 now, born 4/12/1990"
        let gold = [GoldSpan(kind: .phone, start: 5, end: 17), GoldSpan(kind: .dob, start: 28, end: 37)]
        let detections = [
            Detection(pass: .regex, kind: .phone, start: 5, end: 12, text: "", confidence: 1, recognizer: "t"),
            Detection(pass: .regex, kind: .phone, start: 13, end: 17, text: "", confidence: 1, recognizer: "t"),
            Detection(pass: .regex, kind: .date, start: 28, end: 37, text: "", confidence: 1, recognizer: "t"),
        ]
        evaluation.add(text: text, gold: gold, detections: detections)
        #expect(evaluation.byKind[.phone] == DetectionEvaluation.Counts(gold: 1, predicted: 2, truePositives: 1))
        #expect(evaluation.byKind[.dob] == DetectionEvaluation.Counts(gold: 1, predicted: 0, truePositives: 0))
        #expect(evaluation.byKind[.date] == DetectionEvaluation.Counts(gold: 0, predicted: 1, truePositives: 0))
        // "415 555 2671" has 10 non-space characters, all covered; the DOB is covered by a DATE.
        #expect(evaluation.phiCharacters == 10 + 9)
        #expect(evaluation.leakedCharacters == 0)
        #expect(evaluation.overall.precision == 1.0 / 3.0)
    }

    @Test func leakedCharactersAreThoseNoDetectionCovers() {
        var evaluation = DetectionEvaluation()
        evaluation.add(text: "name sarah chen", gold: [GoldSpan(kind: .name, start: 5, end: 15)], detections: [])
        #expect(evaluation.leakedCharacters == 9 && evaluation.phiCharacters == 9 && evaluation.leakedShare == 1)
    }

    /// Regression guard over the development set: the regex pass's figures must not fall below
    /// what docs/detection.md and docs/ner.md report, names (the NER pass's) included.
    @Test func theDevelopmentSetStaysAboveItsRecordedFigures() throws {
        struct Line: Decodable { var text: String; var spans: [GoldSpan] }
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        var evaluation = DetectionEvaluation()
        for raw in try Fixture.repositoryText("data/devset/devset.jsonl").split(separator: "\n") {
            let line = try JSONDecoder().decode(Line.self, from: Data(raw.utf8))
            evaluation.add(text: line.text, gold: line.spans, detections: pipeline.detect(line.text))
        }
        #expect(evaluation.lines == 398)
        #expect(evaluation.overall.recall >= 0.98, "recall \(evaluation.overall.recall)")
        #expect(evaluation.overall.precision >= 0.98, "precision \(evaluation.overall.precision)")
        #expect(evaluation.leakedShare <= 0.01, "leaked \(evaluation.leakedShare)")
        for (kind, counts) in evaluation.byKind where kind != .name {
            #expect(counts.recall >= 0.85, "\(kind.rawValue) recall \(counts.recall)")
        }
    }

    /// Regression guard over issue 39's development sets (one per cause; docs/detection.md): the
    /// floors sit a little under what session 28 measured, so a retrained model may move within
    /// them but a change that loses a register fails here. The negative lines must stay clean.
    @Test(arguments: [
        ("data/devset/world-calls.jsonl", 0.90, 0.85, 0.07),
        ("data/devset/written-ids.jsonl", 0.93, 0.98, 0.01),
        ("data/devset/nursing-notes.jsonl", 0.93, 0.92, 0.10),
    ])
    func theGeneralisationSetsStayAboveTheirFloors(_ path: String, _ precision: Double, _ recall: Double, _ leaked: Double) throws {
        struct Line: Decodable { var id: String; var text: String; var spans: [GoldSpan] }
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        var evaluation = DetectionEvaluation()
        for raw in try Fixture.repositoryText(path).split(separator: "\n") {
            let line = try JSONDecoder().decode(Line.self, from: Data(raw.utf8))
            let found = pipeline.detect(line.text)
            if line.id.contains("-neg-") { #expect(found.isEmpty, "\(line.id): \(found.map { "\($0.kind.rawValue):\($0.text)" })") }
            evaluation.add(text: line.text, gold: line.spans, detections: found)
        }
        #expect(evaluation.overall.precision >= precision, "precision \(evaluation.overall.precision)")
        #expect(evaluation.overall.recall >= recall, "recall \(evaluation.overall.recall)")
        #expect(evaluation.leakedShare <= leaked, "leaked \(evaluation.leakedShare)")
    }

    /// A token already in a text is not PHI: nothing covers it, and what a span held beside it
    /// stays found.
    @Test func tokensInTheTextAreNotDetected() {
        let pipeline = DetectionPipeline(policy: .healthcareDefault)
        let token = "MSKV1.PHONE.K_HEALTHCARE." + String(repeating: "Q", count: 26)
        let text = "this is Sarah Chen, \(token) is my number, and 415-555-2671 too"
        let found = pipeline.detect(text)
        #expect(!found.contains { $0.text.contains("MSKV1") || $0.text.contains("QQQQ") }, "\(found.map(\.text))")
        #expect(found.contains { $0.kind == .phone && $0.text == "415-555-2671" })
        #expect(found.contains { $0.kind == .name && $0.text == "Sarah Chen" })
    }
}
