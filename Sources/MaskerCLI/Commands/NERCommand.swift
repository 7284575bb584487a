import ArgumentParser
import Foundation
import MaskerCore

/// `masker ner`: the embedded model behind the `gemma` pass: what is loaded, and how to rebuild it.
struct NERCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ner",
        abstract: "Inspect or retrain the embedded NER model of the gemma pass.",
        discussion: "scripts/train-ner.sh rebuilds the shipped model from public sources; docs/ner.md explains it.",
        subcommands: [NERInfoCommand.self, NERTrainCommand.self]
    )
}

struct NERInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Where the model loads from, its size, load time and calibration."
    )

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        guard let directory = EmbeddedNER.locate() else {
            throw CLIFailure(.error, "the NER model was not found: set MASKER_NER_DIR to a folder holding lexicon.tsv and weights.bin")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let model: NERModel
        do { model = try EmbeddedNER.load(from: directory) } catch {
            throw CLIFailure(.error, String(describing: error))
        }
        let milliseconds = (clock.now - started).milliseconds
        var info: [(String, JSONValue)] = [
            ("directory", .string(directory.path)),
            ("lexicon_words", .int(model.lexicon.count)),
            ("lexicon_lists", .array(model.lexicon.featureNames.sorted().map(JSONValue.string))),
            ("slot_bits", .int(model.slotBits)),
            ("load_ms", .double((milliseconds * 10).rounded() / 10)),
        ]
        for kind in model.calibration.keys.sorted() {
            let table = model.calibration[kind]!
            let bins: [JSONValue] = zip(table.bounds, table.precisions).map { bound, precision in
                JSONValue.array([.double(Double(bound)), .double(Double(precision))])
            }
            info.append(("calibration_\(kind.rawValue.lowercased())", .array(bins)))
        }
        let object = JSONValue.object(info)
        Console.out(global.json ? object.serialized(indent: 2) : Console.fields(object))
    }
}

struct NERTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the NER weights from labelled lines (an averaged perceptron).",
        discussion: """
        TRAIN and --calibration are gold lines {"text", "spans":[{"kind","start","end"}]} (the format \
        masker eval reads); only NAME and ADDRESS spans are learnt. The lexicon is the one the \
        weights will ship with. Deterministic for a given --seed. Normally run by scripts/train-ner.sh.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Training lines (JSON lines).", valueName: "train"))
    var train: String

    @Option(help: ArgumentHelp("Held-out lines that fit the confidence calibration.", valueName: "file"))
    var calibration: String

    @Option(help: ArgumentHelp("The lexicon.tsv to train with.", valueName: "file"))
    var lexicon: String

    @Option(help: ArgumentHelp("Where to write weights.bin.", valueName: "file"))
    var output: String

    @Option(help: "Passes over the training lines.")
    var epochs = 6

    @Option(help: "Shuffling seed.")
    var seed: UInt64 = 1

    @Option(help: "log2 of the number of feature rows (8 to 24).")
    var slotBits = NERModel.defaultSlotBits

    mutating func run() async throws {
        guard (8...24).contains(slotBits) else { throw CLIFailure(.usage, "--slot-bits must be between 8 and 24") }
        guard epochs >= 1 else { throw CLIFailure(.usage, "--epochs must be at least 1") }
        let words: NERLexicon
        do { words = try NERLexicon(contentsOf: URL(fileURLWithPath: lexicon)) } catch {
            throw CLIFailure(.error, String(describing: error))
        }
        let examples = try await Self.read(train)
        let held = try await Self.read(calibration)
        Console.err("training on \(examples.count) lines, calibrating on \(held.count)")
        let trainer = NERTrainer(lexicon: words, slotBits: slotBits)
        let raw = trainer.train(examples, epochs: epochs, seed: seed) { epoch, accuracy in
            Console.err(String(format: "epoch %d: token accuracy %.4f", epoch, accuracy))
        }
        let model = NERTrainer.calibrate(raw, on: held)
        let data = model.serialized()
        do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
            throw CLIFailure(.error, "cannot write \(output): \(error.localizedDescription)")
        }
        Console.err("wrote \(output) (\(data.count / 1024) KiB)")
    }

    static func read(_ path: String) async throws -> [NERTrainer.Example] {
        var examples: [NERTrainer.Example] = []
        try await GoldFile.forEach(path) { _, line in examples.append(NERTrainer.example(text: line.text, spans: line.spans)) }
        return examples
    }
}
