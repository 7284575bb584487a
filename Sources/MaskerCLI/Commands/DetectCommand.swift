import ArgumentParser
import Foundation
import MaskerCore

/// Options shared by commands that run detection (`detect`, later `mask`).
struct DetectionArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Passes to run, comma-separated (default: the policy's).", valueName: "list"))
    var passes: String?

    @Option(name: .long, help: ArgumentHelp("Confidence threshold for every kind, 0 to 1 (overrides the policy's).", valueName: "x"))
    var threshold: Double?

    func options() throws(CLIFailure) -> DetectionOptions {
        var options = DetectionOptions()
        if let threshold {
            guard (0...1).contains(threshold) else {
                throw CLIFailure(.usage, "--threshold must be between 0 and 1, got \(threshold)")
            }
            options.threshold = threshold
        }
        if let passes {
            var names = Set<DetectionPassName>()
            for name in passes.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let pass = DetectionPassName(rawValue: name) else {
                    let known = DetectionPassName.allCases.map(\.rawValue)
                    throw CLIFailure(.usage, "unknown pass '\(name)' in --passes\(Suggestion.hint(for: name, in: known)); use \(known.joined(separator: ","))")
                }
                names.insert(pass)
            }
            options.passes = names
        }
        return options
    }

    /// The pipeline for `policy` with these options. When it runs the gemma pass and the embedded
    /// NER model could not be loaded (missing, or a weights file from another version), says so
    /// on stderr: the pass would otherwise find no names or addresses, silently.
    func pipeline(policy: Policy) throws(CLIFailure) -> DetectionPipeline {
        let pipeline = DetectionPipeline(policy: policy, options: try options())
        if !pipeline.gemmaKinds.isEmpty, case let .failure(problem) = EmbeddedNER.shared {
            Console.err("masker: warning: the gemma pass has no embedded model, so it finds no names or addresses "
                        + "unless a gemma endpoint answers: \(problem.description)")
        }
        return pipeline
    }
}

struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find PHI in text and print what was found.",
        discussion: """
        Reads --input FILE or standard input and prints a table of detections, or with --json an \
        array of events {"pass","kind","span":[start,end],"text","confidence"}. Spans are half-open \
        Unicode-scalar offsets into the input. The input is processed a line at a time (a line over \
        64 KiB in pieces cut at a space), so files of any size use constant memory; a span never \
        crosses a line break. Under a policy that lists the diarize pass the whole input is read \
        as one conversation, and each detection names its speaker (from Agent:/Caller: labels).

        The regex pass finds every shaped identifier, written or spoken. The gemma pass finds names \
        and places with the embedded model, or with an OpenAI-compatible chat endpoint when \
        MASKER_GEMMA_URL and MASKER_GEMMA_MODEL are set (bounded by MASKER_DETECTION_TIMEOUT_MS, \
        default 200; a line whose call fails uses the embedded model). Its events carry "backend": \
        "embedded" or "llm".

        An input that is one JSON document (an object or an array) is read as data: every string, \
        key and long number with its key as context ({"mrn": "4829173"} is a record number). Its \
        events carry "field", the index of the string in document order, and spans within it.

        --batch FILE|- reads JSON lines {"id","text","session"?} and writes one line {"id","events":[...]} \
        per input line, in order; a line that cannot be read gets {"id","error"} and the run \
        continues. Consecutive lines of one session are read as one conversation: a number said \
        across two of them is found in both.

        The output contains the PHI found: it is for your own terminal, not for logs.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var detection: DetectionArguments

    @Option(name: .long, help: ArgumentHelp("Text file to scan (default: standard input).", valueName: "file"))
    var input: String?

    @Option(name: .long, help: ArgumentHelp("JSON-lines file of {\"id\",\"text\"} to scan, or - for standard input.", valueName: "file"))
    var batch: String?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let pipeline = try detection.pipeline(policy: try context.loadPolicy().policy)
        try await CommandDetector.with(context: context, pipeline: pipeline) { detector in
            try await scan(detector)
        }
    }

    private func scan(_ detector: CommandDetector) async throws {
        if let batch {
            try await BatchRunner.run(reader: try ByteLineReader.open(batch, records: true)) { record, neighbours throws(BatchRunner.RecordFailure) in
                let found: [Detection]
                do throws(DetectionTimedOut) {
                    found = try await detector.detect(record.text).detections[0]
                } catch {
                    throw BatchRunner.RecordFailure(message: error.description, stopsRun: true)
                }
                var speakers = ConversationSpeakers(pipeline: detector.pipeline)
                let detections = speakers.apply(record.text, detections: SplitNumbers.merge(found, neighbours.crossing(record.text, pipeline: detector.pipeline)))
                return [("events", .array(detections.map(\.event)))]
            }
            return
        }
        var input = try DocumentInput(try ByteLineReader.open(input, records: false))
        var first = true
        var speakers = ConversationSpeakers(pipeline: detector.pipeline)
        let diarizes = detector.pipeline.diarizes
        if global.json {
            Console.write("[")
        } else {
            Console.write("KIND         PASS   SPAN          CONF  \(diarizes ? "SPEAKER  " : "")TEXT\n")
        }
        func print(_ detection: Detection, field: Int?) {
            if global.json {
                var event = detection.event
                if let field, case let .object(fields) = event { event = .object([("field", .int(field))] + fields) }
                Console.write((first ? "\n  " : ",\n  ") + event.serialized())
            } else {
                Console.write((field.map { "[\($0)] " } ?? "") + Self.row(detection))
            }
            first = false
        }
        if let document = input.document {
            for (index, keyed) in JSONDocument.texts(document).enumerated() {
                let found = try await detector.detect(keyed.detectionText).detections[0]
                for detection in speakers.apply(keyed.value, detections: keyed.detections(found, policy: detector.pipeline.policy)) {
                    print(detection, field: index)
                }
            }
        } else {
            var offset = 0
            while let text = try input.nextText(whole: diarizes) {
                for var detection in speakers.apply(text, detections: try await detector.detect(text).detections[0]) {
                    detection.start += offset
                    detection.end += offset
                    print(detection, field: nil)
                }
                offset += text.unicodeScalars.count
            }
        }
        if global.json { Console.write(first ? "]\n" : "\n]\n") } else if first { Console.write("(no PHI found)\n") }
    }

    static func row(_ detection: Detection) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        let span = "\(detection.start)-\(detection.end)"
        let text = detection.text.replacingOccurrences(of: "\n", with: " ")
        let speaker = detection.speaker.map { pad($0.rawValue, 8) + " " } ?? ""
        return "\(pad(detection.kind.rawValue, 12)) \(pad(detection.pass.rawValue, 6)) \(pad(span, 13)) \(String(format: "%.2f", detection.confidence))  \(speaker)\(text)\n"
    }
}
