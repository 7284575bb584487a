import ArgumentParser
import Crypto
import Foundation
import MaskerCore
import MaskerStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify, export and purge the audit chain.",
        discussion: """
        The audit chain is a file (MASKER_AUDIT_LOG_PATH, default $MASKER_DATA_DIR/audit.jsonl) \
        or, for replicas that share a database, PostgreSQL: MASKER_AUDIT_STORE=file|postgres, \
        postgres by default when MASKER_DATABASE_URL is set. Either way it is JSON lines, one event \
        per record, each chained to the one before with HMAC-SHA256 under MASKER_AUDIT_HMAC_KEY; \
        `masker audit export` writes the database's chain as the file. docs/audit.md defines the \
        record, the canonical JSON and the chain, with a Python script that checks a log independently.
        """,
        subcommands: [AuditVerifyCommand.self, AuditExportCommand.self, AuditPurgeCommand.self]
    )

    /// The configured chain (`AuditStoreLocation`), opened with the reading key. A file log that
    /// does not exist is not created: reading it is an error that says so.
    static func openReading(_ context: CommandContext, key: SymmetricKey) async throws -> any AuditStore {
        let location = try AuditStoreLocation.from(environment: context.environment, configuration: context.auditConfiguration)
        if case let .file(path) = location, !FileManager.default.fileExists(atPath: path) {
            throw AuditLogError.cannotOpen(path: path, reason: "no such file")
        }
        return try await location.open(key: key, timeouts: try context.storeTimeouts, logger: context.logger)
    }

    /// The chain key for reading a log: never generated here, since a new key could only call an
    /// existing log broken.
    static func readingKey(_ context: CommandContext) throws(CLIFailure) -> SymmetricKey {
        do {
            return try context.auditConfiguration.hmacKey(generate: false).key
        } catch let error as AuditLogError {
            throw CLIFailure(.error, error.description)
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
    }
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the audit log's chain holds; name the first broken record.",
        discussion: """
        Recomputes every record's hash from its content and checks each record follows the one \
        before. It finds edited, deleted, inserted and reordered records, records deleted from the \
        start (unless a retention checkpoint accounts for them), and a last record cut short. \
        Records cut from the end leave a shorter chain that is still valid: keep the root this \
        command prints and pass it later with --expect-root, which fails unless that root is still \
        in the chain.

        Prints the record count and root hash and exits 0 when the chain holds; otherwise prints \
        the line and reason of the first break and exits 1. With --json: {"file","holds","records",\
        "root","start","expected_root_line","first_break":{"line","reason"}|null}.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Audit log file to check (default: the configured chain, file or PostgreSQL).", valueName: "file"))
    var file: String?

    @Option(name: .customLong("expect-root"), help: ArgumentHelp("A root hash taken earlier that the chain must still contain.", valueName: "hash"))
    var expectRoot: String?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        if let expectRoot, expectRoot.count != 64 || !expectRoot.allSatisfy(\.isHexDigit) {
            throw CLIFailure(.usage, "--expect-root takes the 64 hex characters `masker audit verify` printed as the root")
        }
        let key = try AuditCommand.readingKey(context)
        let path: String
        let outcome: AuditChainVerifier.Outcome
        do {
            if let file {
                path = file
                outcome = try AuditLogReader.verify(path: file, key: key, expectedRoot: expectRoot)
            } else {
                let store = try await AuditCommand.openReading(context, key: key)
                path = store.location
                outcome = try await store.verify(expectedRoot: expectRoot)
            }
        } catch let error as AuditLogError {
            guard case .cannotOpen = error else { throw CLIFailure(.error, error.description) }
            throw CLIFailure(.error, "\(error); give the log's path, or set MASKER_AUDIT_LOG_PATH / MASKER_DATA_DIR (or MASKER_DATABASE_URL)")
        }
        if global.json {
            Console.out(JSONValue.object([
                ("file", .string(path)), ("holds", .bool(outcome.holds)), ("records", .int(outcome.records)),
                ("root", .string(outcome.root)), ("start", .string(outcome.start)),
                ("expected_root_line", outcome.expectedRootLine.map(JSONValue.int) ?? .null),
                ("first_break", outcome.firstBreak.map { .object([("line", .int($0.line)), ("reason", .string($0.reason))]) } ?? .null),
            ]).serialized(indent: 2))
        } else if let failure = outcome.firstBreak {
            Console.out("\(path): chain broken at line \(failure.line): \(failure.reason)")
            Console.out("records verified before it: \(outcome.records)")
        } else {
            Console.out("\(path): chain holds, \(outcome.records) \(outcome.records == 1 ? "record" : "records")")
            Console.out("root \(outcome.root)")
            if outcome.start != AuditChain.genesis { Console.out("starts after a retention checkpoint at \(outcome.start)") }
            if let line = outcome.expectedRootLine { Console.out("expected root found at line \(line)") }
        }
        if !outcome.holds { throw ExitCode(CLIExitCode.error.rawValue) }
    }
}

struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the audit chain to a JSON-lines file, verifiable offline.",
        discussion: """
        Writes every committed record of the configured chain (the file, or PostgreSQL) to FILE in \
        the audit log's file format, byte for byte as the file log holds them, so `masker audit \
        verify FILE` and the script in docs/audit.md check it with the key alone. Kept payloads \
        (audit.log_payloads), still encrypted, go beside it as the file log keeps them \
        (FILE without .jsonl, then .payloads.jsonl). The chain is checked first: a broken chain is \
        exported anyway (it is the evidence) and the command exits 1 saying where it breaks. \
        Refuses to overwrite a file. With --json: {"file","records","payloads","root","holds"}.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The file to write (must not exist).", valueName: "file"))
    var file: String

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let key = try AuditCommand.readingKey(context)
        let store: any AuditStore
        let written: (records: Int, payloads: Int)
        do {
            store = try await AuditCommand.openReading(context, key: key)
            written = try await store.export(to: file)
        } catch let error as AuditLogError {
            throw CLIFailure(.error, error.description)
        }
        let outcome = try AuditLogReader.verify(path: file, key: key)
        if global.json {
            Console.out(JSONValue.object([
                ("file", .string(file)), ("from", .string(store.location)), ("records", .int(written.records)),
                ("payloads", .int(written.payloads)), ("root", .string(outcome.root)), ("holds", .bool(outcome.holds)),
            ]).serialized(indent: 2))
        } else {
            Console.out("wrote \(written.records) \(written.records == 1 ? "record" : "records") from \(store.location) to \(file)"
                        + (written.payloads > 0 ? " and \(written.payloads) kept payloads to \(AuditConfiguration.payloadPath(forLog: file))" : ""))
            if let failure = outcome.firstBreak {
                Console.out("the chain is broken at line \(failure.line): \(failure.reason)")
            } else {
                Console.out("chain holds; root \(outcome.root)")
            }
        }
        if !outcome.holds { throw ExitCode(CLIExitCode.error.rawValue) }
    }
}

struct AuditPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Drop audit records older than the retention period, keeping the rest verifiable.",
        discussion: """
        Drops the records stamped before the cutoff from the start of the log (and the kept \
        payloads before it), then appends a retention_checkpoint record carrying the hash of the \
        dropped prefix, so `masker audit verify` still accepts the log. The text a server kept of \
        proxied turns for its portal (audit.log_payloads) before the cutoff is forgotten too, in \
        its database (MASKER_DATA_DIR's server.sqlite, or MASKER_DATABASE_URL). The cutoff is --before DAY, \
        else --retention-days N days ago, else the policy's audit.retention_days (default 2555). \
        Refuses to touch a log whose chain does not verify. Takes the log's writer lock, so it waits \
        for (or fails on) a running writer.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Drop records before this day (YYYY-MM-DD, UTC).", valueName: "day"))
    var before: String?

    @Option(name: .customLong("retention-days"), help: ArgumentHelp("Keep this many days (default: the policy's audit.retention_days).", valueName: "n"))
    var retentionDays: Int?

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        let policy = try context.loadPolicy().policy
        let cutoff: Date
        var days: Int?
        if let before {
            guard let day = CalendarDay.parse(before) else { throw CLIFailure(.usage, "--before takes a day as YYYY-MM-DD, got '\(before)'") }
            guard retentionDays == nil else { throw CLIFailure(.usage, "give --before or --retention-days, not both") }
            cutoff = day
        } else {
            let keep = retentionDays ?? policy.audit.retentionDays
            guard keep >= 0 else { throw CLIFailure(.usage, "--retention-days must be 0 or more") }
            days = keep
            cutoff = Date().addingTimeInterval(-Double(keep) * 86_400)
        }
        let log = try await AuditTrail.open(context)
        let outcome: AuditLog.PurgeOutcome
        do {
            outcome = try await log.purge(before: cutoff, retentionDays: days, scope: AuditScope(sessionID: nil, agentID: nil, policy: policy))
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
        let (turnTexts, recordings) = try await Self.dropServerPayloads(context, before: cutoff)
        let root = (try? await log.currentRoot()) ?? "unknown (the chain could not be read again)"
        let cutoffText = UTCTimestamp.format(cutoff)
        if global.json {
            Console.out(JSONValue.object([
                ("cutoff", .string(cutoffText)), ("dropped_records", .int(outcome.droppedRecords)),
                ("kept_records", .int(outcome.keptRecords)), ("dropped_root", outcome.droppedRoot.map(JSONValue.string) ?? .null),
                ("dropped_payloads", .int(outcome.droppedPayloads)), ("dropped_turn_texts", .int(turnTexts)),
                ("dropped_recordings", .int(recordings)), ("root", .string(root)),
            ]).serialized(indent: 2))
        } else if outcome.droppedRecords == 0 {
            Console.out("nothing to purge: no records before \(cutoffText)" + (outcome.droppedPayloads > 0 ? " (dropped \(outcome.droppedPayloads) payloads)" : ""))
        } else {
            Console.out("dropped \(outcome.droppedRecords) records before \(cutoffText) and \(outcome.droppedPayloads) payloads; \(outcome.keptRecords) remain, ending in a retention checkpoint")
            Console.out("root \(root)")
        }
        if !global.json && turnTexts > 0 { Console.out("forgot the kept text of \(turnTexts) proxied turns before \(cutoffText)") }
        if !global.json && recordings > 0 { Console.out("dropped \(recordings) kept recordings before \(cutoffText)") }
    }

    /// What the server kept under `audit.log_payloads` follows the same retention: the text of
    /// proxied turns (for the portal) and recordings sent for transcription, dropped from the
    /// server database, if this machine has one (never created here).
    static func dropServerPayloads(_ context: CommandContext, before cutoff: Date) async throws -> (turnTexts: Int, recordings: Int) {
        let location = ServerStoreLocation.from(environment: context.environment, dataDirectory: context.dataDirectory)
        if case let .sqlite(path) = location, !FileManager.default.fileExists(atPath: path) { return (0, 0) }
        return try await ServerDatabase.use(context) { store in
            (try await store.dropTurnPayloads(before: cutoff), try await store.dropRecordings(before: cutoff))
        }
    }
}
