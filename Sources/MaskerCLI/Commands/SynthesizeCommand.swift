import ArgumentParser
import Foundation
import MaskerCore

struct SynthesizeCommand: AsyncParsableCommand {
    static let seedWarning = """
        A fixed seed makes the output reproducible, which is what replays and fixtures need, and is \
        safe only where no real PHI is present: with the seed and a surrogate, anyone can test \
        guesses of the original. Never use a fixed seed where real PHI is processed; leave it out, \
        and each run uses a fresh random key that is never stored.
        """

    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Replace the PHI in text with realistic surrogates that refer to nobody.",
        discussion: """
        Reads --input FILE or standard input a line at a time (the whole input at once under a \
        policy with the diarize pass) and writes the text with every \
        detected span replaced by a surrogate of the same kind and form: names from the Census \
        tables, phone numbers in the fictional 555-01xx range, dates moved by one shift for the \
        whole session, addresses from the ZIP table, identifiers of the same shape with valid check \
        digits, emails and URLs on example.com, documentation IP addresses. Within a --session the \
        same value always gets the same surrogate, and "Sarah" and "Ms. Chen" follow "Sarah Chen". \
        The policy's epsilon and synthetic.k/preserve_locale decide how much locale a surrogate keeps \
        (docs/synthetic.md).

        With --json: {"text", "events":[{"pass","kind","span","output_span","confidence","action"}]}; \
        span is in the input, output_span in the text written; events never carry the original.

        Nothing is stored: no vault, no audit record, no key. There is no way back from a surrogate.

        \(seedWarning)
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var detection: DetectionArguments

    @Option(name: .long, help: ArgumentHelp("Text file to synthesize (default: standard input).", valueName: "file"))
    var input: String?

    @Option(name: .long, help: ArgumentHelp("Seed (decimal or 0x hex) for reproducible output; overrides the policy's synthetic.seed. Only where no real PHI is present.", valueName: "s"))
    var seed: String?

    @Option(name: .long, help: ArgumentHelp("Session the surrogates are consistent within (default: one for the whole run).", valueName: "id"))
    var session: String?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let policy = try context.loadPolicy().policy
        var parsedSeed: UInt64?
        if let seed {
            guard let value = SyntheticSettings.parseSeed(seed) else {
                throw CLIFailure(.usage, "--seed \"\(seed)\" is not a whole number from 0 to 2^64-1; write e.g. 12345 or 0xC0FFEE")
            }
            parsedSeed = value
        }
        let tables: SurrogateTables
        do { tables = try SyntheticSessions.loadTables() } catch { throw CLIFailure(.error, error.description) }
        let sessions = SyntheticSessions(seed: parsedSeed, tables: tables)
        let masker = Masker(policy: policy, synthetic: sessions.session(session ?? "default", policy: policy))
        let pipeline = try detection.pipeline(policy: policy)
        let reader = try ByteLineReader.open(input, records: false)
        try await CommandDetector.with(context: context, pipeline: pipeline) { detector in
            var text = ""
            var events: [JSONValue] = []
            var inputOffset = 0, outputOffset = 0
            var speakers = ConversationSpeakers(pipeline: pipeline)
            while let line = try reader.nextText(whole: pipeline.diarizes) {
                let result = try await masker.mask(line, detections: speakers.apply(line, detections: await detector.detect(line).detections[0]))
                if global.json {
                    for (replacement, output) in zip(result.replacements, result.maskedSpans) {
                        events.append(replacement.event(offset: inputOffset, output: (output.start + outputOffset, output.end + outputOffset)))
                    }
                    text += result.masked
                } else {
                    Console.write(result.masked)
                }
                inputOffset += line.unicodeScalars.count
                outputOffset += result.masked.unicodeScalars.count
            }
            if global.json {
                Console.out(JSONValue.object([("text", .string(text)), ("events", .array(events))]).serialized(indent: 2))
            }
        }
    }
}
