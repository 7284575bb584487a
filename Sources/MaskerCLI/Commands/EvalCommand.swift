import ArgumentParser
import Foundation
import MaskerCore

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score detection against labelled text: precision, recall, F1 per kind, leaked PHI.",
        discussion: """
        GOLD is JSON lines {"text", "spans":[{"kind","start","end"}]} with Unicode-scalar offsets \
        (Python string offsets). A detection matches a gold span when the kinds are equal and the \
        spans overlap; each side matches at most once. "Leaked" counts the non-space characters of \
        gold spans that no detection of any kind covers. Use it to tune thresholds on your own \
        transcripts (--threshold, --passes, --policy). With MASKER_GEMMA_URL and MASKER_GEMMA_MODEL set, \
        the gemma pass runs on that endpoint, so a model can be scored before a server uses it.

        --show-errors prints each missed span and false positive with its text: PHI, for your own \
        terminal only.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var detection: DetectionArguments

    @Argument(help: ArgumentHelp("Gold file (JSON lines), or - for standard input.", valueName: "gold"))
    var gold: String

    @Flag(name: .long, help: "List missed spans and false positives (prints PHI).")
    var showErrors = false

    @Option(name: .customLong("map"), help: ArgumentHelp("Score detections of kind FROM as kind TO, for gold sets with coarser labels (e.g. DOB=DATE, FAX=PHONE). Repeatable.", valueName: "FROM=TO"))
    var mappings: [String] = []

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let pipeline = try detection.pipeline(policy: try context.loadPolicy().policy)
        var kindMap: [EntityKind: EntityKind] = [:]
        for mapping in mappings {
            let parts = mapping.split(separator: "=").map(String.init)
            guard parts.count == 2, let from = EntityKind(rawValue: parts[0]), let to = EntityKind(rawValue: parts[1]) else {
                throw CLIFailure(.usage, "--map takes FROM=TO with two kinds, e.g. DOB=DATE; got '\(mapping)'")
            }
            kindMap[from] = to
        }
        var evaluation = DetectionEvaluation()
        try await CommandDetector.with(context: context, pipeline: pipeline) { detector in
            try await GoldFile.forEach(gold) { lineNumber, line in
                let detections = try await detector.detect(line.text).detections[0].map { detection in
                    var mapped = detection
                    mapped.kind = kindMap[detection.kind] ?? detection.kind
                    return mapped
                }
                evaluation.add(text: line.text, gold: line.spans, detections: detections)
                if showErrors { Self.printErrors(line: lineNumber, text: line.text, gold: line.spans, detections: detections) }
            }
        }
        if global.json {
            Console.out(evaluation.report.serialized(indent: 2))
        } else {
            Console.out(Self.table(evaluation))
        }
    }

    static func table(_ evaluation: DetectionEvaluation) -> String {
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        func row(_ label: String, _ counts: DetectionEvaluation.Counts) -> String {
            pad(label, 12, left: true) + pad(String(counts.gold), 6) + pad(String(counts.predicted), 6) + pad(String(counts.truePositives), 6)
                + pad(String(format: "%.3f", counts.precision), 11) + pad(String(format: "%.3f", counts.recall), 8)
                + pad(String(format: "%.3f", counts.f1), 8)
        }
        var lines = [pad("KIND", 12, left: true) + pad("GOLD", 6) + pad("PRED", 6) + pad("TP", 6) + pad("PRECISION", 11) + pad("RECALL", 8) + pad("F1", 8)]
        for kind in evaluation.byKind.keys.sorted() { lines.append(row(kind.rawValue, evaluation.byKind[kind]!)) }
        lines.append(row("ALL", evaluation.overall))
        lines.append(String(format: "leaked PHI characters: %.2f%% (%d of %d non-space characters in gold spans), %d lines",
                            evaluation.leakedShare * 100, evaluation.leakedCharacters, evaluation.phiCharacters, evaluation.lines))
        return lines.joined(separator: "\n")
    }

    static func printErrors(line: Int, text: String, gold: [GoldSpan], detections: [Detection]) {
        let scalars = Array(text.unicodeScalars)
        func slice(_ start: Int, _ end: Int) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[max(0, start)..<min(end, scalars.count)])
            return String(view)
        }
        for span in gold where !detections.contains(where: { $0.kind == span.kind && $0.start < span.end && span.start < $0.end }) {
            Console.err("line \(line): missed \(span.kind.rawValue) \"\(slice(span.start, span.end))\" in: \(text)")
        }
        for detection in detections where !gold.contains(where: { $0.kind == detection.kind && $0.start < detection.end && detection.start < $0.end }) {
            Console.err("line \(line): false \(detection.kind.rawValue) \"\(detection.text)\" (\(detection.recognizer), \(detection.confidence)) in: \(text)")
        }
    }
}
