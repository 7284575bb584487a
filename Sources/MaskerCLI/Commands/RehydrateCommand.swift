import ArgumentParser
import Foundation
import MaskerCore

struct RehydrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehydrate",
        abstract: "Put the original text back in place of the tokens in a model's answer.",
        discussion: """
        Reads --input FILE or standard input and writes it with every token restored. A token that \
        cannot be restored (unknown, tampered, from a rotated-out key, purged) becomes \
        [REDACTED:KIND]: never the token itself. With --json: {"text", "events":[{"kind","scheme",\
        "outcome","reason"}]}. Both schemes are understood: MSK1 needs the key, MSKV1 the key and the \
        vault.

        Tokens restore only in the session they were minted in: pass the --session that masker mask \
        used (it names it when it makes one up). A token of another session, of a server account, or \
        never minted becomes [REDACTED:KIND] with reason unknown_token (vault) or tampered (aead), \
        all alike. Under a policy with scope: global, --session may be left out.

        --batch FILE|- reads JSON lines {"id","text","session"?} and writes {"id","text"} per line, in \
        order; a line's own session overrides --session.

        --stream reads its input as it arrives and writes restored text at once, holding back only \
        what could still be part of a token (for piping a model's streamed answer); a token cut off \
        by the end of the input becomes [REDACTED:KIND].

        Each token met is recorded (rehydration or rehydration_failed, with its kind and scheme, never \
        the token or the original) in the audit log before the text around it is written, when the \
        policy's audit.log_events is on; if the log cannot be written the run stops with exit 1.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Text file to rehydrate (default: standard input).", valueName: "file"))
    var input: String?

    @Flag(name: .long, help: "Write restored text as input arrives.")
    var stream = false

    @Option(name: .long, help: ArgumentHelp("JSON-lines file of {\"id\",\"text\"} to rehydrate, or - for standard input.", valueName: "file"))
    var batch: String?

    @Option(name: .long, help: ArgumentHelp("Session the tokens were minted in (masker mask --session).", valueName: "id"))
    var session: String?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let policy = try context.loadPolicy().policy
        let session = try session.map { id throws(CLIFailure) in try CLISession.check(id, option: "--session") }
        if session == nil, batch == nil, policy.scope != .global {
            throw CLIFailure(.usage, "--session is required: tokens restore only in the session they were minted in "
                             + "(the --session given to masker mask, or the one it named)")
        }
        let schemes = try TokenSchemes(policy: policy, context: context)
        let audit = try await AuditTrail(context: context, policy: policy, sessionID: session ?? CLISession.generated())
        try await schemes.closing { () async throws in
            if let batch {
                try await Self.batch(batch, policy: policy, session: session, schemes: schemes, audit: audit)
                return
            }
            let rehydrator = try await schemes.restoring(kid: policy.kid, scope: CLISession.scope(policy, session: session ?? ""))
            try await rehydrate(rehydrator, audit: audit)
        }
    }

    private static func batch(_ path: String, policy: Policy, session: String?, schemes: TokenSchemes, audit: AuditTrail) async throws {
        try await BatchRunner.run(reader: try ByteLineReader.open(path, records: true)) { record throws(BatchRunner.RecordFailure) in
            if let own = record.session, let problem = CLISession.problem(own) { throw BatchRunner.RecordFailure(message: problem) }
            guard let recordSession = record.session ?? session ?? (policy.scope == .global ? "" : nil) else {
                throw BatchRunner.RecordFailure(message: "no session: give the line a \"session\" or the run --session")
            }
            let rehydrator: Rehydrator
            do {
                rehydrator = try await schemes.restoring(kid: policy.kid, scope: CLISession.scope(policy, session: recordSession))
            } catch {
                throw BatchRunner.RecordFailure(message: (error as? CLIFailure)?.message ?? "\(error)", stopsRun: true)
            }
            let result = await rehydrator.rehydrate(record.text)
            let recordAudit = audit.session(record.session)
            do {
                try await recordAudit.record(recordAudit.scope.rehydrations(result.events))
            } catch {
                throw BatchRunner.RecordFailure(message: (error as? CLIFailure)?.message ?? "\(error)", stopsRun: true)
            }
            return [("text", .string(result.text))]
        }
    }

    private func rehydrate(_ rehydrator: Rehydrator, audit: AuditTrail) async throws {
        if stream {
            try await Self.stream(input: input, rehydrator: rehydrator, audit: audit)
            return
        }
        let reader = try ByteLineReader.open(input, records: false)
        var restored = ""
        var events: [JSONValue] = []
        while let text = try reader.nextText() {
            let result = await rehydrator.rehydrate(text)
            try await audit.record(audit.scope.rehydrations(result.events))
            if global.json {
                restored += result.text
                events += result.events.map(Self.event)
            } else {
                Console.write(result.text)
            }
        }
        if global.json {
            Console.out(JSONValue.object([("text", .string(restored)), ("events", .array(events))]).serialized(indent: 2))
        }
    }

    /// Reads whatever bytes are available and writes what can be released, until end of input.
    static func stream(input: String?, rehydrator: Rehydrator, audit: AuditTrail) async throws {
        let handle: FileHandle
        if let input, input != "-" {
            guard let file = FileHandle(forReadingAtPath: input) else {
                throw CLIFailure(.error, "cannot read \(input): no such file or not readable")
            }
            handle = file
        } else {
            handle = .standardInput
        }
        var streaming = StreamingRehydrator(rehydrator: rehydrator)
        var recorded = 0
        // The events of a chunk's tokens are recorded before the chunk is written.
        func release(_ bytes: [UInt8]) async throws {
            if streaming.events.count > recorded {
                try await audit.record(audit.scope.rehydrations(Array(streaming.events[recorded...])))
                recorded = streaming.events.count
            }
            if !bytes.isEmpty { FileHandle.standardOutput.write(Data(bytes)) }
        }
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            try await release(await streaming.feed(chunk))
        }
        try await release(await streaming.finish())
    }

    static func event(_ event: RehydrationEvent) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("kind", event.kind.map { .string($0.rawValue) } ?? .null), ("scheme", .string(event.scheme)),
        ]
        switch event.outcome {
        case .restored: fields.append(("outcome", .string("rehydration")))
        case let .failed(reason): fields += [("outcome", .string("rehydration_failed")), ("reason", .string(reason.rawValue))]
        }
        return .object(fields)
    }
}
