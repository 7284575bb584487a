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
        "policy_version"}; events never carry the PHI or the token.

        Tokens are scoped to --session (default: a new random session per run, so runs cannot be \
        correlated). vault-deterministic stores originals, encrypted, in the vault: PostgreSQL when \
        MASKER_DATABASE_URL is a postgres:// URL, else the SQLite file MASKER_VAULT_PATH (default \
        $MASKER_DATA_DIR/vault.sqlite); reversible-aead needs no vault; synthetic writes surrogates \
        that refer to nobody and keeps nothing (see masker synthesize --help for the seed warning). \
        The kid's key comes from MASKER_KEY_<kid>; with MASKER_DEV=1 a development key is generated.

        --batch FILE|- reads JSON lines {"id","text","session"?} and writes {"id","masked","events"} \
        per line, in order; a line that cannot be read or masked gets {"id","error"} and the run \
        continues (nothing of that line is written).

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
        let runSession = session ?? "cli-\(UUID().uuidString)"
        let audit = try AuditTrail(context: context, policy: policy, sessionID: runSession)
        try await schemes.closing { () async throws in
            try await mask(policy: policy, tokenization: tokenization, schemes: schemes, session: runSession, audit: audit,
                           context: context)
        }
    }

    private func mask(policy: Policy, tokenization: TokenizationScheme, schemes: TokenSchemes, session runSession: String,
                      audit: AuditTrail, context: CommandContext) async throws {
        // scope: global gives one token per value everywhere; otherwise the session decides.
        let runScope = policy.scope == .global ? "global" : runSession
        let masker = try await schemes.masker(tokenization, policy: policy, scope: runScope)
        let pipeline = try detection.pipeline(policy: policy)
        try await CommandDetector.with(context: context, pipeline: pipeline) { detector in
            try await mask(policy: policy, tokenization: tokenization, schemes: schemes, scope: runScope, masker: masker,
                           detector: detector, audit: audit)
        }
    }

    private func mask(policy: Policy, tokenization: TokenizationScheme, schemes: TokenSchemes, scope runScope: String,
                      masker: Masker, detector: CommandDetector, audit: AuditTrail) async throws {
        if let batch {
            try await BatchRunner.run(reader: try ByteLineReader.open(batch, records: true)) { record throws(BatchRunner.RecordFailure) in
                do {
                    let scope = policy.scope == .global ? "global" : (record.session ?? runScope)
                    let recordMasker = try await schemes.masker(tokenization, policy: policy, scope: scope)
                    let turn = await detector.detect(record.text)
                    let result = try await recordMasker.mask(record.text, detections: turn.detections[0])
                    let recordAudit = audit.session(record.session)
                    do {
                        try await recordAudit.record(Self.fallbackEvents(turn, scope: recordAudit.scope)
                            + recordAudit.scope.redactions(result, tokenization: tokenization), payload: result.masked)
                    } catch let error as CLIFailure {
                        throw BatchRunner.RecordFailure(message: error.message, stopsRun: true)
                    }
                    return [("masked", .string(result.masked)), ("events", .array(result.replacements.map { Self.event($0, offset: 0) }))]
                } catch let error as BatchRunner.RecordFailure {
                    throw error
                } catch let error as TokenMintError {
                    throw BatchRunner.RecordFailure(message: error.description)
                } catch {
                    throw BatchRunner.RecordFailure(message: "\(error)")
                }
            }
            return
        }

        let reader = try ByteLineReader.open(input, records: false)
        var masked = ""
        var events: [JSONValue] = []
        var offset = 0
        var found = false
        while let text = try reader.nextText() {
            let turn = await detector.detect(text)
            let result: MaskResult
            do {
                result = try await masker.mask(text, detections: turn.detections[0])
            } catch {
                throw CLIFailure(error.isMissingKey ? .policyInvalid : .error, "\(error.description); nothing was written")
            }
            // Recorded before anything of this line is released: if the audit log cannot take the
            // events, the run stops here (fail closed).
            try await audit.record(Self.fallbackEvents(turn, scope: audit.scope)
                + audit.scope.redactions(result, tokenization: tokenization, offset: offset), payload: result.masked)
            found = found || !result.replacements.isEmpty
            if global.json {
                masked += result.masked
                events += result.replacements.map { Self.event($0, offset: offset) }
            } else {
                Console.write(result.masked)
            }
            offset += text.unicodeScalars.count
        }
        if global.json {
            Console.out(JSONValue.object([
                ("masked", .string(masked)), ("events", .array(events)),
                ("policy_name", .string(policy.name)), ("policy_version", .int(policy.version)),
            ]).serialized(indent: 2))
        }
        if requireMatch, !found { throw ExitCode(CLIExitCode.commandSpecific.rawValue) }
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

    /// An event without the PHI and without the token.
    static func event(_ replacement: MaskReplacement, offset: Int) -> JSONValue {
        let detection = replacement.detection
        return .object([
            ("pass", .string(detection.pass.rawValue)), ("kind", .string(detection.kind.rawValue)),
            ("span", .array([.int(detection.start + offset), .int(detection.end + offset)])),
            ("confidence", .double((detection.confidence * 1000).rounded() / 1000)),
            ("action", .string(replacement.action.rawValue)),
        ])
    }
}

extension TokenMintError {
    var isMissingKey: Bool {
        if case .missingKey = self { return true }
        return false
    }
}
