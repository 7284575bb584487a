import Foundation
@testable import MaskerCore
import Testing

/// The shipped model, on the cases the NER pass exists for and the ones it must leave alone.
struct EmbeddedNERTests {
    let pipeline = DetectionPipeline(policy: .healthcareDefault)

    func found(_ text: String, _ kind: EntityKind, in pipeline: DetectionPipeline? = nil) -> [String] {
        (pipeline ?? self.pipeline).detect(text).filter { $0.kind == kind }.map(\.text)
    }

    @Test func theShippedModelLoads() throws {
        let recognizer = try EmbeddedNER.shared.get()
        #expect(recognizer.model.lexicon.count > 100_000)
        #expect(Set(recognizer.model.calibration.keys) == [.name, .address])
        #expect(pipeline.activePasses == [.regex, .gemma])
    }

    /// `NERLexicon` keeps only the top 40 bits of each word's `TokenText.hash`, so two words of
    /// the shipped lexicon sharing them would give one of them the other's lists.
    @Test func noTwoLexiconWordsShareAHash() throws {
        let url = try #require(EmbeddedNER.locate()).appendingPathComponent("lexicon.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var words = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if let word = line.split(separator: "\t").first { words.insert(word.lowercased()) }
        }
        #expect(words.count > 100_000)
        #expect(Set(words.map { TokenText($0).hash >> 24 }).count == words.count)
    }

    @Test(arguments: [
        ("hi um this is maria lopez calling about my refill", "maria lopez"),
        ("yeah my name is kevin o'brien", "kevin o'brien"),
        ("The patient, Margaret Whitfield, was seen today.", "Margaret Whitfield"),
        ("PATIENT: DOROTHY KOWALCZYK", "DOROTHY KOWALCZYK"),
        ("I saw Dr. Okafor last week", "Okafor"),
        ("can you tell doctor nakamura i called", "nakamura"),
    ])
    func findsNamesInEveryRegister(_ text: String, _ name: String) {
        #expect(found(text, .name) == [name])
    }

    /// A spoken local part is often the caller's name: the tagger's NAME runs into the EMAIL the
    /// regex pass found from the digits on, and the email reaches back over it (it used to be
    /// dropped, leaving "robert" unmasked).
    @Test func aNameRunningIntoASpokenEmailBecomesPartOfIt() {
        let detections = pipeline.detect("you can email me at robert cohen seven four at gmail dot com")
        #expect(detections.map { "\($0.kind.rawValue):\($0.text)" } == ["EMAIL:robert cohen seven four at gmail dot com"])
        // A NAME that swallows a whole identifier is still the tagger's mistake, not widened into.
        #expect(!pipeline.detect("Prescriber DEA MH5790034, NPI 1038798694").contains { $0.kind == .name })
    }

    @Test func findsASpelledName() {
        let names = found("my last name is haddad that's h a d d a d", .name)
        #expect(names == ["haddad", "h a d d a d"])
    }

    @Test func findsPlacesAndFacilities() {
        let places = found("i was at mercy hospital in fresno last night", .address)
        #expect(places == ["mercy hospital", "fresno"])
        #expect(found("She lives in Bakersfield with her son.", .address) == ["Bakersfield"])
    }

    /// Issue 4's list: drugs, diseases, eponyms, months and weekdays alone are not PHI.
    @Test(arguments: [
        "my mother has parkinson's disease and takes sinemet",
        "i was diagnosed with crohn's last may",
        "she has hashimoto's and bell's palsy",
        "PATIENT HAS PARKINSON DISEASE, ON LEVODOPA",
        "History of Graves disease, treated with methimazole.",
        "see you on monday",
        "june is fine",
        "will you call me back",
        "I take lisinopril and metformin every morning.",
        "the white count was high and there was brown discharge",
        "Positive Murphy's sign. Negative Babinski.",
        "Follow up in March.",
    ])
    func leavesClinicalLanguageAlone(_ text: String) {
        let found = pipeline.detect(text).filter { $0.kind == .name || $0.kind == .address }
        #expect(found.isEmpty, "\(found.map(\.text))")
    }

    @Test func theAllowListKeepsTheClinicButNotTheDoctor() {
        let text = "hi this is doctor chen calling from sunrise clinic"
        #expect(found(text, .address) == ["sunrise clinic"])
        var policy = Policy.healthcareDefault
        policy.allow = ["Sunrise Clinic"]
        let allowing = DetectionPipeline(policy: policy)
        #expect(found(text, .address, in: allowing).isEmpty)
        #expect(found(text, .name, in: allowing) == ["chen"])
        // Whole words only: "Sunrise" alone is not allowed by "Sunrise Clinic".
        policy.allow = ["Sun"]
        #expect(found(text, .address, in: DetectionPipeline(policy: policy)) == ["sunrise clinic"])
    }

    @Test func aShapedIdentifierOutranksTheTagger() {
        let detections = pipeline.detect("sure my email is robert underscore davis at outlook dot com")
        #expect(detections.map(\.kind) == [.email])
    }

    /// Words joined by underscores are identifiers (JSON keys, variables), and no name has a digit.
    @Test func identifiersAndDigitsAreNotNames() {
        for text in ["x_unknown_field", "patient_city_field", "Room 12B, bed 2."] {
            #expect(!pipeline.detect(text).contains { $0.kind == .name }, "\(text): \(pipeline.detect(text).map(\.text))")
        }
        #expect(pipeline.detect("my name is will brown").contains { $0.kind == .name && $0.text == "will brown" })
    }

    @Test func confidenceFollowsTheThreshold() {
        var policy = Policy.healthcareDefault
        policy.entities[.name]?.confidenceThreshold = 1.0
        let text = "my name is will brown"
        let confidence = pipeline.detect(text).first { $0.kind == .name }?.confidence ?? 0
        #expect(confidence > 0 && confidence <= 1)
        if confidence < 1 { #expect(found(text, .name, in: DetectionPipeline(policy: policy)).isEmpty) }
    }
}

/// The model file, the lexicon, calibration and training, on small inputs.
struct NERModelTests {
    static let lexiconText = "# test\nsarah\tfirst:1\nchen\tlast:2\nmonday\tdict dictcap\n"

    func example(_ text: String, _ name: String) -> NERTrainer.Example {
        let start = text.range(of: name).map { text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: $0.lowerBound.samePosition(in: text.unicodeScalars)!) } ?? 0
        return NERTrainer.example(text: text, spans: [GoldSpan(kind: .name, start: start, end: start + name.unicodeScalars.count)])
    }

    func trainedToyModel() throws -> NERModel {
        let lexicon = try NERLexicon(tsv: Data(Self.lexiconText.utf8))
        var examples: [NERTrainer.Example] = []
        for name in ["zorblat", "quimby", "sarah", "chen", "vexley", "dramm"] {
            examples.append(example("my name is \(name) thanks", name))
            examples.append(example("this is \(name) calling", name))
        }
        for text in ["see you monday thanks", "my name is on the list", "this is the pharmacy calling"] {
            examples.append(NERTrainer.example(text: text, spans: []))
        }
        let model = NERTrainer(lexicon: lexicon, slotBits: 12).train(examples, epochs: 8, seed: 7)
        return NERTrainer.calibrate(model, on: examples)
    }

    @Test func trainingLearnsContextForUnseenNames() throws {
        let model = try trainedToyModel()
        let recognizer = EmbeddedNERRecognizer(model: model)
        let candidates = recognizer.recognize(ScannedText("my name is plonkett thanks"))
        #expect(candidates.map { [$0.start, $0.end] } == [[11, 19]])
        #expect(recognizer.recognize(ScannedText("see you monday thanks")).allSatisfy { $0.confidence < 0.5 })
    }

    @Test func trainingIsDeterministic() throws {
        #expect(try trainedToyModel().serialized() == trainedToyModel().serialized())
    }

    @Test func theFileRoundTripsAndDamageIsAnErrorNotACrash() throws {
        let model = try trainedToyModel()
        let data = model.serialized()
        let lexicon = try NERLexicon(tsv: Data(Self.lexiconText.utf8))
        let reloaded = try NERModel(weights: data, lexicon: lexicon)
        let tokens = ScannedText("this is quimby calling").tokens
        #expect(reloaded.tag(tokens).map(\.firstToken) == model.tag(tokens).map(\.firstToken))
        #expect(reloaded.calibration == model.calibration)
        for cut in [0, 4, 8, 20, data.count / 2, data.count - 1] {
            #expect(throws: NERModel.FileError.self) { try NERModel(weights: data.prefix(cut), lexicon: lexicon) }
        }
        var flipped = data
        flipped[0] = 0x21
        #expect(throws: NERModel.FileError.self) { try NERModel(weights: flipped, lexicon: lexicon) }
    }

    @Test func aMalformedLexiconNamesTheLine() {
        #expect(throws: NERLexicon.LoadError.self) { try NERLexicon(tsv: Data("ok\tdict\nno-tab-here\n".utf8)) }
        do {
            _ = try NERLexicon(tsv: Data("ok\tdict\nno-tab-here\n".utf8))
        } catch {
            #expect(String(describing: error).contains("line 2"))
        }
        let lexicon = try? NERLexicon(tsv: Data(Self.lexiconText.utf8))
        #expect(lexicon?.features(of: "Sarah") == ["first:1"])
        #expect(lexicon?.features(of: "nobody") == [])
    }

    @Test func calibrationIsMonotoneAndMeasuresPrecision() {
        // Low scores right 1 time in 4, high scores always right, with a dip that pooling removes.
        var samples: [(score: Float, correct: Bool)] = []
        for i in 0..<40 { samples.append((Float(i), i % 4 == 0)) }
        for i in 40..<80 { samples.append((Float(i), true)) }
        samples.append((80, false))
        let table = NERCalibration.fit(samples, bins: 8)
        #expect(zip(table.precisions, table.precisions.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(abs(table.confidence(5) - 0.25) < 0.01)
        #expect(table.confidence(70) > 0.9)
        #expect(table.confidence(-100) == Double(table.precisions[0]))
    }

    @Test func theLoaderReportsAMissingModel() {
        let directory = URL(fileURLWithPath: "/nonexistent/ner")
        #expect(EmbeddedNER.locate(environment: ["MASKER_NER_DIR": directory.path]) == directory)
        #expect(throws: NERLexicon.LoadError.self) { try EmbeddedNER.load(from: directory) }
    }
}
