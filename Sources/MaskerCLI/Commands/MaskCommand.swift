import ArgumentParser
import Foundation
import MaskerCore
import MaskerServer

struct MaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask",
        abstract: "Replace the PHI in text with tokens (or redaction markers) as the policy says.",
        discussion: """
        Reads --input FILE or standard input, a line at a time, and writes the masked text. With \
        --json: {"masked", "events":[{"pass","kind","span","confidence","action"}], "policy_name", \
        "policy_version"}; events never carry the PHI or the token. Under a policy that lists the \
        diarize pass the whole input is read as one conversation (Agent:/Caller: labels name each \
        span's speaker, in a "speaker" field; mask_speakers may keep the agent's lines).

        Tokens are scoped to --session (default: a new session per run, named on standard error or \
        in the --json output, so runs cannot be correlated); masker rehydrate restores them only \
        with the same --session (unless the policy says scope: global). Session ids are written to \
        the audit log, so they must be opaque call ids: letters, digits, '_', '.', ':', '-', and no \
        name, phone number or long digit run. vault-deterministic stores originals, encrypted, in the vault: PostgreSQL when \
        MASKER_DATABASE_URL is a postgres:// URL, else the SQLite file MASKER_VAULT_PATH (default \
        $MASKER_DATA_DIR/vault.sqlite); reversible-aead needs no vault; synthetic writes surrogates \
        that refer to nobody and keeps nothing (see masker synthesize --help for the seed warning). \
        The kid's key comes from MASKER_KEY_<kid>; with MASKER_DEV=1 a development key is generated.

        An input that is one JSON document (an object or an array) is masked as data: every string, \
        key and long number read with its key as context ({"mrn": "4829173"} is a record number), \
        written back as JSON of the same shape; with --json its events carry "field", the index of \
        the string in document order, and spans within that string.

        --batch FILE|- reads JSON lines {"id","text","session"?} and writes {"id","masked","events"} \
        per line, in order; a line that cannot be read or masked gets {"id","error"} and the run \
        continues (nothing of that line is written). Consecutive lines of one session are read as \
        one conversation: a number that runs from the end of one into the start of the next \
        ("…four one five five five five" / "two six seven one") is found across them.

        Every masked span is recorded as a redaction event in the audit log (MASKER_AUDIT_LOG_PATH, \
        default $MASKER_DATA_DIR/audit.jsonl) before the line is written, when the policy's \
        audit.log_events is on; the log is chained with MASKER_AUDIT_HMAC_KEY (generated in dev mode). \
        With audit.log_payloads the masked text is also kept, encrypted, beside the log.

        Exit codes: 0 ok, 2 with --require-match when nothing was found, 3 when the policy is invalid \
        or its key is missing, 1 when the vault or the audit log is unusable (the line it failed on, \
        and everything after it, is not written).
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var detection: DetectionArguments

    @Option(name: .long, help: ArgumentHelp("Text file to mask (default: standard input).", valueName: "file"))
    var input: String?

    @Option(name: .long, help: ArgumentHelp("vault-deterministic, reversible-aead or synthetic (default: the policy's).", valueName: "scheme"))
    var scheme: String?

    @Option(name: .long, help: ArgumentHelp("Session that scopes the tokens (e.g. the call id).", valueName: "id"))
    var session: String?

    @Flag(name: .long, help: "Exit 2 when no PHI was found.")
    var requireMatch = false

    @Option(name: .long, help: ArgumentHelp("JSON-lines file of {\"id\",\"text\",\"session\"?} to mask, or - for standard input.", valueName: "file"))
    var batch: String?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let policy = try context.loadPolicy().policy
        let tokenization = try scheme.map(Self.parseScheme) ?? policy.tokenization
        let schemes = try TokenSchemes(policy: policy, context: context)
        let runSession = try session.map { id throws(CLIFailure) in try CLISession.check(id, option: "--session") } ?? CLISession.generated()
        if session == nil, batch == nil, !global.json, !global.quiet {
            Console.err("masker: tokens minted in session \(runSession); restore them with masker rehydrate --session \(runSession)")
        }
        let audit = try await AuditTrail(context: context, policy: policy, sessionID: runSession)
        try await schemes.closing { () async throws in
            let masker = try await schemes.masker(tokenization, policy: policy, scope: CLISession.scope(policy, session: runSession))
            let pipeline = try detection.pipeline(policy: policy)
            try await CommandDetector.with(context: context, pipeline: pipeline) { detector in
                let run = Run(policy: policy, tokenization: tokenization, schemes: schemes, session: runSession, masker: masker,
                              detector: detector, audit: audit, json: global.json)
                if let batch {
                    try await run.batch(try ByteLineReader.open(batch, records: true))
                } else {
                    try await run.input(try DocumentInput(try ByteLineReader.open(input, records: false)), requireMatch: requireMatch)
                }
            }
        }
    }

    /// One run's settings, and the three ways it masks: lines of text, one JSON document, batch records.
    struct Run {
        let policy: Policy
        let tokenization: TokenizationScheme
        let schemes: TokenSchemes
        let session: String
        let masker: Masker
        let detector: CommandDetector
        let audit: AuditTrail
        let json: Bool

        func batch(_ reader: ByteLineReader) async throws {
            try await BatchRunner.run(reader: reader) { record, neighbours throws(BatchRunner.RecordFailure) in
                do {
                    if let session = record.session, let problem = CLISession.problem(session) {
                        throw BatchRunner.RecordFailure(message: problem)
                    }
                    let recordSession = record.session ?? session
                    let recordMasker = try await schemes.masker(tokenization, policy: policy, scope: CLISession.scope(policy, session: recordSession))
                    let turn = try await detector.detect(record.text)
                    var speakers = ConversationSpeakers(pipeline: detector.pipeline)
                    let detections = speakers.apply(record.text, detections: SplitNumbers.merge(turn.detections[0], neighbours.crossing(record.text, pipeline: detector.pipeline)))
                    let result = try await recordMasker.mask(record.text, detections: detections)
                    let recordAudit = audit.session(record.session)
                    do {
                        try await recordAudit.record(MaskCommand.fallbackEvents(turn, scope: recordAudit.scope)
                            + recordAudit.scope.redactions(result, tokenization: tokenization), payload: result.masked)
                    } catch let error as CLIFailure {
                        throw BatchRunner.RecordFailure(message: error.message, stopsRun: true)
                    }
                    return [("masked", .string(result.masked)), ("events", .array(result.replacements.map { $0.event() }))]
                } catch let error as BatchRunner.RecordFailure {
                    throw error
                } catch let error as TokenMintError {
                    throw BatchRunner.RecordFailure(message: error.description)
                } catch {
                    throw BatchRunner.RecordFailure(message: "\(error)")
                }
            }
        }

        func input(_ input: DocumentInput, requireMatch: Bool) async throws {
            var input = input
            if let document = input.document {
                try await self.document(document, requireMatch: requireMatch)
                return
            }
            var masked = ""
            var events: [JSONValue] = []
            var offset = 0
            var found = false
            var speakers = ConversationSpeakers(pipeline: detector.pipeline)
            while let text = try input.nextText(whole: detector.pipeline.diarizes) {
                let turn = try await detector.detect(text)
                let result = try await mask(text, detections: speakers.apply(text, detections: turn.detections[0]))
                // Recorded before anything of this line is released: if the audit log cannot take the
                // events, the run stops here (fail closed).
                try await audit.record(MaskCommand.fallbackEvents(turn, scope: audit.scope)
                    + audit.scope.redactions(result, tokenization: tokenization, offset: offset), payload: result.masked)
                found = found || !result.replacements.isEmpty
                if json {
                    masked += result.masked
                    events += result.replacements.map { $0.event(offset: offset) }
                } else {
                    Console.write(result.masked)
                }
                offset += text.unicodeScalars.count
            }
            if json { Console.out(summary(("masked", .string(masked)), events: events).serialized(indent: 2)) }
            if requireMatch, !found { throw ExitCode(CLIExitCode.commandSpecific.rawValue) }
        }

        /// One JSON document, masked as data and written back as JSON.
        private func document(_ document: JSONValue, requireMatch: Bool) async throws {
            var results: [MaskResult] = []
            var events: [AuditEvent] = []
            let texts = JSONDocument.texts(document)
            var turns: [TurnDetector.Result] = []
            for keyed in texts { turns.append(try await detector.detect(keyed.detectionText)) }
            var speakers = ConversationSpeakers(pipeline: detector.pipeline)
            let detections = speakers.apply(zip(texts, turns).map { keyed, turn in
                ConversationSpeakers.Text(keyed.value, detections: keyed.detections(turn.detections[0], policy: policy))
            })
            for (index, keyed) in texts.enumerated() {
                let result = try await mask(keyed.value, detections: detections[index])
                events += MaskCommand.fallbackEvents(turns[index], scope: audit.scope)
                    + audit.scope.redactions(result, tokenization: tokenization, field: "json#\(index)")
                results.append(result)
            }
            let masked = JSONDocument.rewrite(document, with: results.map(\.masked))
            try await audit.record(events, payload: masked.serialized())
            if json {
                let events = results.enumerated().flatMap { index, result in
                    result.replacements.map { replacement -> JSONValue in
                        guard case let .object(fields) = replacement.event() else { return .null }
                        return .object([("field", .int(index))] + fields)
                    }
                }
                Console.out(summary(("json", masked), events: events).serialized(indent: 2))
            } else {
                Console.write(masked.serialized(indent: 2) + "\n")
            }
            if requireMatch, !results.contains(where: { !$0.replacements.isEmpty }) { throw ExitCode(CLIExitCode.commandSpecific.rawValue) }
        }

        private func mask(_ text: String, detections: [Detection]) async throws -> MaskResult {
            do {
                return try await masker.mask(text, detections: detections)
            } catch {
                throw CLIFailure(error.isMissingKey ? .policyInvalid : .error, "\(error.description); nothing was written")
            }
        }

        private func summary(_ output: (String, JSONValue), events: [JSONValue]) -> JSONValue {
            .object([output, ("events", .array(events)), ("session", .string(session)),
                     ("policy_name", .string(policy.name)), ("policy_version", .int(policy.version))])
        }
    }

    /// A `detection_fallback` event when the line's LLM call failed and the embedded model ran.
    static func fallbackEvents(_ turn: TurnDetector.Result, scope: AuditScope) -> [AuditEvent] {
        turn.fallback.map { [scope.detectionFallback(reason: $0.reason)] } ?? []
    }

    static func parseScheme(_ text: String) throws(CLIFailure) -> TokenizationScheme {
        guard let scheme = TokenizationScheme(rawValue: text) else {
            let names = TokenizationScheme.allCases.map(\.rawValue)
            throw CLIFailure(.usage, "unknown --scheme '\(text)'\(Suggestion.hint(for: text, in: names)); use \(names.joined(separator: ", "))")
        }
        return scheme
    }
}

extension TokenMintError {
    var isMissingKey: Bool {
        if case .missingKey = self { return true }
        return false
    }
}
