import ArgumentParser
import Foundation
import MaskerCore
import MaskerStore

struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Inspect, export, purge and re-key the token vault.",
        subcommands: [VaultStatsCommand.self, VaultExportCommand.self, VaultPurgeCommand.self, VaultRotateKeyCommand.self]
    )

    /// Runs `body` on the vault the administration commands work on, then closes it. A SQLite vault
    /// must already exist: these commands never create one.
    static func withExisting<T>(_ context: CommandContext, toDo purpose: String,
                                _ body: (any VaultStore) async throws -> T) async throws -> T {
        let location = try unavailable { () throws(VaultUnavailable) in
            try VaultLocation.from(environment: context.environment, dataDirectory: context.dataDirectory)
        }
        guard location.mayExist else {
            throw CLIFailure(.error, "no vault at \(location); nothing to \(purpose) (nothing has been masked with vault-deterministic yet, or set MASKER_VAULT_PATH)")
        }
        let store: any VaultStore
        let timeouts = try context.storeTimeouts
        do {
            store = try await location.open(timeouts: timeouts, logger: context.logger)
        } catch {
            throw CLIFailure(.error, "\(error.description); \(TokenSchemes.vaultHint)")
        }
        return try await runThenClose({ try await body(store) }, close: { await store.close() })
    }

    static func unavailable<T>(_ body: () throws(VaultUnavailable) -> T) throws(CLIFailure) -> T {
        do { return try body() } catch { throw CLIFailure(.error, error.description) }
    }

    static func unavailable<T>(_ body: () async throws(VaultUnavailable) -> T) async throws(CLIFailure) -> T {
        do { return try await body() } catch { throw CLIFailure(.error, error.description) }
    }

    /// Asks on the terminal unless `--yes`; refuses when there is no terminal to ask on.
    /// Records an administrative change in the audit log once it is done. The change cannot be
    /// undone if this fails, so the failure says so (exit 1) rather than passing silently.
    static func record(_ kind: AuditEventKind, context: CommandContext, detail: [(String, JSONValue)]) async throws {
        let policy = try context.loadPolicy().policy
        do {
            let audit = try await AuditTrail(context: context, policy: policy, sessionID: nil)
            try await audit.record([audit.scope.administrative(kind, detail: detail)])
        } catch let failure {
            throw CLIFailure(.error, "the change was made but could not be recorded in the audit log: \(failure.message)")
        }
    }

    static func confirm(_ question: String, yes: Bool, canPrompt: Bool = true, declined: String) throws(CLIFailure) {
        if yes { return }
        guard canPrompt, isatty(STDIN_FILENO) == 1 else {
            throw CLIFailure(.usage, "\(question) Refusing without --yes: there is no terminal to confirm on")
        }
        Console.err("\(question) [y/N] ")
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            throw CLIFailure(.error, "not confirmed; \(declined)")
        }
    }
}

struct VaultStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Entries by kind, oldest and newest, size on disk (never any value).")

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        try await VaultCommand.withExisting(context, toDo: "show") { store in
            let stats = try await VaultCommand.unavailable { () async throws(VaultUnavailable) in try await store.stats() }
            show(stats, location: store.location)
        }
    }

    private func show(_ stats: VaultStats, location path: String) {
        let formatter = ISO8601DateFormatter()
        if global.json {
            Console.out(JSONValue.object([
                ("path", .string(path)), ("entries", .int(stats.entries)),
                ("by_kind", .object(stats.byKind.map { ($0.kind, .int($0.count)) })),
                ("oldest", stats.oldest.map { .string(formatter.string(from: $0)) } ?? .null),
                ("newest", stats.newest.map { .string(formatter.string(from: $0)) } ?? .null),
                ("size_bytes", .int(stats.storedBytes)),
            ]).serialized(indent: 2))
            return
        }
        var lines = ["vault \(path): \(stats.entries) entries, \(stats.storedBytes) bytes"]
        lines += stats.byKind.map { "  \($0.kind.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.count)" }
        if let oldest = stats.oldest, let newest = stats.newest {
            lines.append("  from \(formatter.string(from: oldest)) to \(formatter.string(from: newest))")
        }
        Console.out(lines.joined(separator: "\n"))
    }
}

struct VaultPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete vault entries: by age, or every entry of one person (erasure).",
        discussion: """
        --before DATE (YYYY-MM-DD) deletes entries created before that day. --subject VALUE deletes \
        every entry whose value is VALUE once normalised (any spelling: "415-555-2671" and "four one \
        five …" are one subject), in every kind or only --kind. Afterwards those tokens rehydrate as \
        [REDACTED:KIND], permanently. VALUE is PHI: prefer --subject - to read it from standard input, \
        so it does not appear in the process list or shell history. Asks for confirmation unless \
        --yes; without a terminal, --yes is required.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Delete entries created before this day (YYYY-MM-DD).", valueName: "date"))
    var before: String?

    @Option(help: ArgumentHelp("Delete every entry of this value (- reads it from standard input).", valueName: "value"))
    var subject: String?

    @Option(help: ArgumentHelp("With --subject: only this kind.", valueName: "kind"))
    var kind: String?

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    mutating func run() async throws {
        guard (before == nil) != (subject == nil) else {
            throw CLIFailure(.usage, "give exactly one of --before DATE or --subject VALUE")
        }
        let context = try CommandContext(options: global)
        let selection: VaultSelection
        if let before {
            guard let date = CalendarDay.parse(before) else { throw CLIFailure(.usage, "--before takes a day as YYYY-MM-DD, got '\(before)'") }
            selection = .createdBefore(date)
        } else {
            selection = .subjects(try subjectHashes(context: context))
        }
        let canPrompt = subject != "-", yes = yes
        try await VaultCommand.withExisting(context, toDo: "purge") { store in
            let count = try await VaultCommand.unavailable { () async throws(VaultUnavailable) in try await store.count(selection) }
            guard count > 0 else {
                Console.out("nothing to purge: no matching entries")
                return
            }
            // With --subject -, standard input held the value: there is no terminal left to ask on.
            try VaultCommand.confirm("Delete \(count) vault \(count == 1 ? "entry" : "entries")? Their tokens will never be restored again.",
                                     yes: yes, canPrompt: canPrompt, declined: "nothing was deleted")
            let deleted = try await VaultCommand.unavailable { () async throws(VaultUnavailable) in try await store.purge(selection) }
            Console.out("purged \(deleted) \(deleted == 1 ? "entry" : "entries")")
            try await VaultCommand.record(.vaultPurge, context: context, detail: [
                ("selection", .string(before == nil ? "subject" : "before")), ("deleted", .int(deleted)),
            ])
        }
    }

    /// The subject's hash under every key of the policy's kid (current and previous), in each kind.
    private func subjectHashes(context: CommandContext) throws -> [[UInt8]] {
        var value = subject ?? ""
        if value == "-" {
            value = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !value.isEmpty else { throw CLIFailure(.usage, "--subject needs a value (or - and the value on standard input)") }
        let kinds: [EntityKind]
        if let kind {
            guard let parsed = EntityKind(rawValue: kind) else {
                throw CLIFailure(.usage, "unknown --kind '\(kind)'\(Suggestion.hint(for: kind, in: EntityKind.allCases.map(\.rawValue)))")
            }
            kinds = [parsed]
        } else {
            kinds = EntityKind.allCases
        }
        let policy = try context.loadPolicy().policy
        let ring = try TokenSchemes(policy: policy, context: context).keyRing
        let keys = [ring.currentKey(for: policy.kid), ring.previousKey(for: policy.kid)].compactMap { $0 }
        return kinds.flatMap { kind in
            keys.map { VaultDeterministicScheme.subjectHash(ValueNormalizer.normalize(value, kind: kind), kind: kind, key: $0) }
        }
    }
}

struct VaultRotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Re-encrypt every vault entry of the policy's kid under a new kid's key.",
        discussion: """
        Needs the current kid's key (MASKER_KEY_<kid> or _OLD) and MASKER_KEY_<new-kid>. In one \
        transaction, every entry is re-encrypted under the new key and its subject hash recomputed; \
        token texts do not change, so tokens already given out keep restoring, and the old key can be \
        retired. Then set the policy's kid to the new kid. MSK1 (reversible-aead) tokens hold no \
        vault entry: they need the old key kept as MASKER_KEY_<kid>_OLD while they are in use.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("new-kid"), help: ArgumentHelp("The kid whose key entries move to.", valueName: "kid"))
    var newKid: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    mutating func run() async throws {
        if let problem = KeyID.problem(with: newKid) { throw CLIFailure(.usage, "\(problem); choose another --new-kid") }
        let context = try CommandContext(options: global)
        let policy = try context.loadPolicy().policy
        guard newKid != policy.kid else { throw CLIFailure(.usage, "--new-kid is already the policy's kid (\(policy.kid))") }
        let (ring, _) = try context.keyRingLoader.load(requiredKids: [policy.kid, newKid], generateMissing: context.devMode,
                                                       logger: context.logger)
        guard ring.currentKey(for: newKid) != nil else {
            throw CLIFailure(.policyInvalid, "no \(KeyRing.variableName(for: newKid)): generate it with `masker keys generate --kid \(newKid)`")
        }
        guard ring.currentKey(for: policy.kid) ?? ring.previousKey(for: policy.kid) != nil else {
            throw CLIFailure(.policyInvalid, "no key for the current kid \(policy.kid): set \(KeyRing.variableName(for: policy.kid)) or its _OLD")
        }
        let kid = newKid, yes = yes
        try await VaultCommand.withExisting(context, toDo: "rotate") { store in
            let count = try await VaultCommand.unavailable { () async throws(VaultUnavailable) in try await store.count(.kid(policy.kid)) }
            guard count > 0 else {
                Console.out("nothing to rotate: no entries under kid \(policy.kid)")
                return
            }
            try VaultCommand.confirm("Re-encrypt \(count) entries from \(policy.kid) to \(kid)?", yes: yes, declined: "nothing was changed")
            let result = try await VaultCommand.unavailable { () async throws(VaultUnavailable) in
                try await store.rekey(from: policy.kid) { VaultDeterministicScheme.rekeyed($0, to: kid, keyRing: ring) }
            }
            guard result.failed == 0 else {
                throw CLIFailure(.error, "\(result.failed) entries did not open under the keys of \(policy.kid); nothing was changed")
            }
            Console.out("re-encrypted \(result.rekeyed) entries from \(policy.kid) to \(kid); now set the policy's kid to \(kid)")
            try await VaultCommand.record(.vaultKeyRotated, context: context, detail: [
                ("from_kid", .string(policy.kid)), ("to_kid", .string(kid)), ("entries", .int(result.rekeyed)),
            ])
        }
    }
}

struct VaultExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every vault entry to a file, still encrypted (for backup or migration).",
        discussion: """
        Writes JSON lines {"token","kind","kid","scope","ciphertext","subject_hash","created_at"}, the \
        two binary fields in base64. Originals stay AES-GCM-SIV ciphertext under the kid's key: the \
        file is useless without MASKER_KEY_<kid>, and holds no readable PHI. Created with mode 0600; an \
        existing file is never overwritten.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("File to create.", valueName: "file"))
    var out: String

    mutating func run() async throws {
        let context = try CommandContext(options: global)
        try await VaultCommand.withExisting(context, toDo: "export") { store in try await export(store) }
    }

    private func export(_ store: any VaultStore) async throws {
        let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it already exists (export never overwrites)" : String(cString: strerror(errno))
            throw CLIFailure(.error, "cannot create \(out): \(reason)")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        let formatter = ISO8601DateFormatter()
        var written = 0
        do {
            try await store.forEachEntry { entry in
                let line = JSONValue.object([
                    ("token", .string(entry.token)), ("kind", .string(entry.kind.rawValue)), ("kid", .string(entry.kid)),
                    ("scope", .string(entry.scope)), ("ciphertext", .string(Data(entry.ciphertext).base64EncodedString())),
                    ("subject_hash", .string(Data(entry.subjectHash).base64EncodedString())),
                    ("created_at", .string(formatter.string(from: entry.createdAt))),
                ]).serialized() + "\n"
                try handle.write(contentsOf: Data(line.utf8))
                written += 1
            }
            try handle.synchronize()
        } catch {
            unlink(out)
            throw CLIFailure(.error, "export to \(out) failed (\(error.localizedDescription)); the partial file was removed")
        }
        Console.out("exported \(written) entries to \(out)")
    }
}
