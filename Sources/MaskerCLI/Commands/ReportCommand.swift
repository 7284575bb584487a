import ArgumentParser
import Foundation
import MaskerCore
import MaskerServer
import MaskerStore
import Crypto

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a signed audit report for a session, an agent or a time window.",
        discussion: """
        Reads the audit log (verifying its chain as it goes) and writes: the scope and window; counts \
        of events, and of redactions by entity kind, pass and treatment; the HIPAA Safe Harbor \
        matrix with this release's measured recall per category; the chain's start and end hashes \
        for the scope and the whole log, with the verification result; the policy in force and the \
        policies the records name; up to 20 masked transcripts when the policy keeps payloads \
        (audit.log_payloads); and an Ed25519 signature over the report's canonical JSON, made with \
        MASKER_REPORT_SIGNING_KEY (generated in dev mode). Check it with `masker report verify FILE`.

        --format json (default) or html: a print-ready page with the signed JSON embedded. pdf is \
        not built in; print the html page to PDF. --since takes 7d, 12h, 30m or a day YYYY-MM-DD. \
        A report on a broken chain is still written (it says so) and the command exits 1.
        """,
        subcommands: [ReportVerifyCommand.self]
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("session-id"), help: ArgumentHelp("Only this session's records.", valueName: "id"))
    var sessionID: String?

    @Option(name: .customLong("agent-id"), help: ArgumentHelp("Only this agent's records.", valueName: "id"))
    var agentID: String?

    @Option(help: ArgumentHelp("Only records since: 7d, 12h, 30m, or YYYY-MM-DD.", valueName: "window"))
    var since: String?

    @Option(help: ArgumentHelp("json or html.", valueName: "format"))
    var format = "json"

    @Option(help: ArgumentHelp("File to write (created with mode 0600).", valueName: "file"))
    var output: String?

    mutating func run() async throws {
        guard let output else { throw CLIFailure(.usage, "give --output FILE for the report") }
        guard ["json", "html"].contains(format) else {
            if format == "pdf" {
                throw CLIFailure(.usage, "--format pdf is not built in (no PDF writer in the stack is good enough); write --format html, a print-ready page, and print it to PDF, e.g. chromium --headless --print-to-pdf=report.pdf report.html")
            }
            throw CLIFailure(.usage, "unknown --format '\(format)'; use json or html")
        }
        let now = Date()
        var start: Date?
        if let since {
            if let window = ReportScope.parseWindow(since) {
                start = now.addingTimeInterval(-window)
            } else if let day = CalendarDay.parse(since) {
                start = day
            } else {
                throw CLIFailure(.usage, "--since takes 7d, 12h, 30m or a day YYYY-MM-DD, got '\(since)'")
            }
        }
        guard sessionID != nil || agentID != nil || start != nil else {
            throw CLIFailure(.usage, "choose the scope: --session-id ID, --agent-id ID and/or --since WINDOW")
        }
        let context = try CommandContext(options: global)
        let policy = try context.loadPolicy().policy
        let configuration = context.auditConfiguration
        let key = try AuditCommand.readingKey(context)
        let signingKey: (key: Curve25519SigningKey, generated: Bool)
        do {
            signingKey = try configuration.signingKey()
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
        if signingKey.generated {
            context.logger.warning("MASKER_DEV: generated a development report-signing key; set MASKER_REPORT_SIGNING_KEY in production")
        }

        let scope = ReportScope(sessionID: sessionID, agentID: agentID, since: start, until: now)
        let unsigned: JSONValue
        do {
            let store = try await AuditCommand.openReading(context, key: key)
            unsigned = try await store.report(scope: scope, policy: policy, now: now)
        } catch let error as AuditLogError {
            guard case .cannotOpen = error else { throw CLIFailure(.error, error.description) }
            throw CLIFailure(.error, "\(error); nothing has been audited yet, or MASKER_AUDIT_LOG_PATH / MASKER_DATA_DIR (or MASKER_DATABASE_URL) point elsewhere")
        }
        let report = try ReportSignature.sign(unsigned, with: signingKey.key)
        let text = format == "html" ? try ReportHTML.render(report) : report.serialized(indent: 2) + "\n"
        try Self.write(text, to: output)
        let verified = Self.chainVerified(report)
        Console.err("wrote \(output) (\(format)); chain \(verified ? "verifies" : "is BROKEN")")
        if !verified { throw ExitCode(CLIExitCode.error.rawValue) }
    }

    static func chainVerified(_ report: JSONValue) -> Bool {
        report["chain"]?["verified"] == .bool(true)
    }

    static func write(_ text: String, to path: String) throws(CLIFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIFailure(.error, "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CLIFailure(.error, "cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}

typealias Curve25519SigningKey = Curve25519.Signing.PrivateKey

struct ReportVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a report's signature (JSON or HTML).",
        discussion: """
        Recomputes the canonical JSON of the report without its signature and checks the Ed25519 \
        signature. Without --public-key it checks against the key embedded in the report, which \
        proves the report is unchanged since signing but not who signed it; pass the public key \
        you trust (base64, as `masker report` embeds it) to check that too. Exit 0 when valid, 1 when not.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Report file written by `masker report`.", valueName: "file"))
    var file: String

    @Option(name: .customLong("public-key"), help: ArgumentHelp("Base64 Ed25519 public key the report must be signed with.", valueName: "key"))
    var publicKey: String?

    mutating func run() async throws {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure(.error, "cannot read \(file): no such file, not readable, or not UTF-8")
        }
        let json = text.hasPrefix("<!DOCTYPE html") ? ReportHTML.embeddedJSON(in: text) : text
        guard let json, let report = try? JSONParser.parse(json) else {
            throw CLIFailure(.error, "\(file) is not a report written by `masker report` (no report JSON found)")
        }
        do {
            let signer = try ReportSignature.verify(report, trusting: publicKey)
            Console.out("\(file): signature valid (Ed25519, public key \(signer))")
            if publicKey == nil { Console.out("pass --public-key to also check who signed it") }
        } catch {
            Console.out("\(file): signature INVALID: \(error.description)")
            throw ExitCode(CLIExitCode.error.rawValue)
        }
    }
}
