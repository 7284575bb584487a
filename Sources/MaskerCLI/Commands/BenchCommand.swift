import ArgumentParser
import Foundation
import MaskerCore
import MaskerStore
import Crypto

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure each stage's speed over a corpus: turns/s, MB/s, p50/p99 per turn, peak RSS.",
        discussion: """
        CORPUS is JSON lines with a "text" field (gold files and batch files both work). Each stage \
        runs over every line --rounds times after one warm-up round; per-turn times give p50 and p99 \
        in microseconds, total bytes over total time gives MB/s. Build in release mode first \
        (swift build -c release) and run .build/release/masker bench: debug builds are 10-50x slower.

        Stages: tokenize (splitting into tokens alone), normalize (tokenizing plus spoken-form \
        normalisation), detect (every pass the policy runs, normalisation included), detect_regex and detect_gemma (one pass alone), mask (detect plus \
        vault-deterministic tokens written to a throwaway SQLite vault with a throwaway key; repeated \
        rounds find their rows already stored, as repeated values in one call do), rehydrate (the \
        masked turns restored), rehydrate_stream (the masked turns fed in 16-byte chunks; its unit is \
        a chunk, not a turn), vault_insert (new tokens only, each a vault insert: turns/s is tokens/s), \
        audit_append and audit_append_x32 (each turn's redaction events appended to a throwaway audit \
        log and made durable, from 1 and 32 concurrent tasks; the unit is an event, so turns/s is \
        events/s), audit_turn_x100 and audit_turn_x100_pg (100 callers, each appending a turn's \
        events and pausing 50-150 ms before its next turn, ~1,000 turns/s in all; the unit is a \
        turn's append: to the file log, and to the chain in PostgreSQL, a throwaway schema of \
        MASKER_DATABASE_URL's database, run by default when that is set), synthesize (a synthetic surrogate for each detected span, each round in a fresh \
        session so no surrogate comes from the session's memory; the unit is a surrogate).

        With --json: {"stages":[{"stage","turns","turns_per_s","mb_per_s","p50_us","p99_us"}], \
        "peak_rss_mb"}.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var detection: DetectionArguments

    @Option(name: .long, help: ArgumentHelp("Corpus file (JSON lines with \"text\").", valueName: "file"))
    var corpus: String

    @Option(name: .long, help: "Timed rounds over the corpus (default 5).")
    var rounds = 5

    @Option(name: .long, help: ArgumentHelp("Vault for the token stages: sqlite (a throwaway file) or postgres (a throwaway schema in MASKER_DATABASE_URL's database).", valueName: "kind"))
    var vault: BenchVault = .sqlite

    @Option(name: .long, help: ArgumentHelp("Run only these stages (comma-separated names from the list above), e.g. detect for profiling.", valueName: "list"))
    var stages: String?

    static let detectionStages = ["tokenize", "normalize", "detect", "detect_regex", "detect_gemma"]
    static let tokenStageNames = ["mask", "rehydrate", "rehydrate/token", "rehydrate_stream", "vault_insert", "vault_insert_x16"]
    static let auditStageNames = ["audit_append", "audit_append_x32", "audit_turn_x100", "audit_turn_x100_pg"]
    static let synthesisStageNames = ["synthesize"]

    @Option(name: .long, help: ArgumentHelp("Also list the N slowest corpus lines for detect (line numbers and µs, never text).", valueName: "n"))
    var slowest = 0

    @Option(name: .long, help: ArgumentHelp("Run the detection stages from N concurrent tasks, each over the whole corpus (turns/s is their total; the other stages run on one).", valueName: "n"))
    var concurrency = 1

    private struct CorpusLine: Decodable { var text: String }

    struct StageResult {
        var stage: String
        var turns: Int
        var seconds: Double
        var bytes: Int
        var p50: Double
        var p99: Double

        init(stage: String, samples: [UInt64], seconds: Double, bytes: Int) {
            let sorted = samples.sorted()
            func percentile(_ p: Double) -> Double {
                guard !sorted.isEmpty else { return 0 }
                return Double(sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]) / 1000
            }
            self.stage = stage
            turns = samples.count
            self.seconds = seconds
            self.bytes = bytes
            p50 = percentile(0.5)
            p99 = percentile(0.99)
        }

        var json: JSONValue {
            .object([
                ("stage", .string(stage)), ("turns", .int(turns)),
                ("turns_per_s", .double((Double(turns) / seconds).rounded())),
                ("mb_per_s", .double((Double(bytes) / seconds / 1_000_000 * 100).rounded() / 100)),
                ("p50_us", .double((p50 * 10).rounded() / 10)), ("p99_us", .double((p99 * 10).rounded() / 10)),
            ])
        }
    }

    mutating func run() async throws {
        guard rounds >= 1 else { throw CLIFailure(.usage, "--rounds must be at least 1") }
        let context = try CommandContext(options: global)
        let pipeline = try detection.pipeline(policy: try context.loadPolicy().policy)
        let wanted = try selectedStages(environment: context.environment)
        let texts = try Self.load(corpus)
        guard !texts.isEmpty else { throw CLIFailure(.error, "\(corpus) holds no lines with a \"text\" field") }

        guard (1...1024).contains(concurrency) else { throw CLIFailure(.usage, "--concurrency must be between 1 and 1024") }
        let tasks = concurrency
        let rounds = rounds
        func timed(_ stage: String, _ work: @escaping @Sendable (String) -> Void) async -> StageResult {
            tasks == 1 ? Self.measure(stage, texts, rounds: rounds, work) : await Self.measure(stage, texts, rounds: rounds, tasks: tasks, work)
        }
        var results: [StageResult] = []
        if wanted.contains("tokenize") { results.append(await timed("tokenize") { _ = Tokenizer.tokenize($0).count }) }
        if wanted.contains("normalize") { results.append(await timed("normalize") { _ = ScannedText($0).tokens.count }) }
        if wanted.contains("detect") { results.append(await timed("detect") { _ = pipeline.detect($0).count }) }
        // Each pass alone, so a regression shows where it came from.
        for pass in [DetectionPassName.regex, .gemma] where wanted.contains("detect_\(pass.rawValue)") {
            var options = try detection.options()
            options.passes = [pass]
            let alone = DetectionPipeline(policy: pipeline.policy, options: options)
            results.append(await timed("detect_\(pass.rawValue)") { _ = alone.detect($0).count })
        }
        if !wanted.isDisjoint(with: Self.tokenStageNames) {
            results += try await Self.tokenStages(texts, pipeline: pipeline, rounds: rounds, vault: vault,
                                                  environment: context.environment, wanted: wanted)
        }
        if !wanted.isDisjoint(with: Self.auditStageNames) {
            results += try await Self.auditStages(texts, pipeline: pipeline, rounds: rounds, wanted: wanted, environment: context.environment)
        }
        if wanted.contains("synthesize") { results.append(try Self.synthesisStage(texts, pipeline: pipeline, rounds: rounds)) }
        if slowest > 0 {
            // Median of each line over the rounds, so one scheduling hiccup does not rank a line.
            var perLine: [(line: Int, micros: Double)] = []
            for (index, text) in texts.enumerated() {
                var samples: [UInt64] = []
                for _ in 0..<max(rounds, 3) {
                    let before = DispatchTime.now().uptimeNanoseconds
                    _ = pipeline.detect(text).count
                    samples.append(DispatchTime.now().uptimeNanoseconds - before)
                }
                samples.sort()
                perLine.append((index + 1, Double(samples[samples.count / 2]) / 1000))
            }
            for entry in perLine.sorted(by: { $0.micros > $1.micros }).prefix(slowest) {
                Console.err(String(format: "slow: line %d  %.1f µs  %d bytes", entry.line, entry.micros, texts[entry.line - 1].utf8.count))
            }
        }
        let rss = Self.peakRSSMegabytes()
        if global.json {
            Console.out(JSONValue.object([("stages", .array(results.map(\.json))), ("peak_rss_mb", .double(rss))]).serialized(indent: 2))
            return
        }
        var lines = ["STAGE              TURNS   TURNS/S     MB/S   P50 µs   P99 µs"]
        for result in results {
            // Padded by hand: "%-16@" does not pad on Linux.
            let stage = result.stage.padding(toLength: 16, withPad: " ", startingAt: 0)
            lines.append(stage + String(format: " %7d %9.0f %8.2f %8.1f %8.1f", result.turns,
                                Double(result.turns) / result.seconds, Double(result.bytes) / result.seconds / 1_000_000,
                                result.p50, result.p99))
        }
        lines.append(String(format: "peak RSS %.1f MB; %d lines, %d rounds", rss, texts.count, rounds))
        Console.out(lines.joined(separator: "\n"))
    }

    private func selectedStages(environment: [String: String]) throws -> Set<String> {
        let known = Self.detectionStages + Self.tokenStageNames + Self.auditStageNames + Self.synthesisStageNames
        // The PostgreSQL stage runs by default only where there is a database to run it on.
        let hasDatabase = !(environment["MASKER_DATABASE_URL"] ?? "").isEmpty
        guard let stages else { return Set(known).subtracting(hasDatabase ? [] : ["audit_turn_x100_pg"]) }
        let names = stages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw CLIFailure(.usage, "--stages: no stage named \"\(unknown)\"; choose from \(known.joined(separator: ", "))")
        }
        guard !names.isEmpty else { throw CLIFailure(.usage, "--stages needs at least one stage name") }
        return Set(names)
    }

    /// mask, rehydrate, rehydrate_stream and the vault insert stages, against a throwaway vault
    /// (SQLite in a temporary directory, or a throwaway schema of MASKER_DATABASE_URL) and key.
    static func tokenStages(_ texts: [String], pipeline: DetectionPipeline, rounds: Int, vault location: BenchVault,
                            environment: [String: String], wanted: Set<String>) async throws -> [StageResult] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("masker-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await location.open(environment: environment, directory: directory)
        do {
            let results = try await tokenStages(texts, pipeline: pipeline, rounds: rounds, store: store, wanted: wanted)
            await location.discard(store)
            return results
        } catch {
            await location.discard(store)
            throw error
        }
    }

    /// Only the stages in `wanted` run (the turns are always masked once first, for the
    /// rehydration stages): asking for one stage should cost that stage, and
    /// `bench/allocations.sh` counts what a run allocates.
    private static func tokenStages(_ texts: [String], pipeline: DetectionPipeline, rounds: Int, store: any VaultStore,
                                    wanted: Set<String>) async throws -> [StageResult] {
        let policy = pipeline.policy
        let ring = KeyRing.fromEnvironment([KeyRing.variableName(for: policy.kid): KeyRing.generateEncodedKey()]).ring
        let vault = VaultDeterministicScheme(kid: policy.kid, keyRing: ring, store: store, scope: "bench")
        let masker = Masker(policy: policy, scheme: vault)
        let rehydrator = Rehydrator(schemes: [vault])
        var masked: [String] = []
        for text in texts {
            do {
                masked.append(try await masker.mask(text, detections: pipeline.detect(text)).masked)
            } catch {
                throw CLIFailure(.error, error.description)
            }
        }
        var results: [StageResult] = []
        if wanted.contains("mask") {
            results.append(await measure("mask", texts, rounds: rounds) { _ = try? await masker.mask($0, detections: pipeline.detect($0)) })
        }
        if wanted.contains("rehydrate") {
            results.append(await measure("rehydrate", masked, rounds: rounds) { _ = await rehydrator.rehydrate($0).text })
        }
        if wanted.contains("rehydrate/token") {
            // The same runs, each turn's time divided by the tokens in it (turns without tokens left out).
            let withTokens = masked.filter { TokenScanner.mayContainToken(Array($0.utf8)) }
            results.append(await measure("rehydrate/token", withTokens, bytes: { $0.utf8.count },
                                         units: { TokenScanner.matches(in: $0).count }, rounds: rounds) { _ = await rehydrator.rehydrate($0).text })
        }
        if wanted.contains("rehydrate_stream") {
            // Per chunk: each masked turn cut into 16-byte chunks, each feed timed on its own.
            let chunks = masked.flatMap { text -> [[UInt8]] in
                let bytes = Array(text.utf8)
                return stride(from: 0, to: bytes.count, by: 16).map { Array(bytes[$0..<min($0 + 16, bytes.count)]) }
            }
            var streaming = StreamingRehydrator(rehydrator: rehydrator)
            results.append(await measure("rehydrate_stream", chunks, bytes: { $0.count }, rounds: rounds) { _ = await streaming.feed($0) })
            _ = await streaming.finish()
        }
        if wanted.contains("vault_insert") {
            results.append(try await insertStage("vault_insert", store: store, scheme: vault, writers: 1))
        }
        if wanted.contains("vault_insert_x16") {
            results.append(try await insertStage("vault_insert_x16", store: store, scheme: vault, writers: 16))
        }
        return results
    }

    /// New tokens only, a turn of `tokensPerTurn` distinct values at a time (one transaction each),
    /// from `writers` concurrent tasks. Its unit is a token: turns/s is new tokens per second.
    static func insertStage(_ stage: String, store: any VaultStore, scheme: VaultDeterministicScheme, writers: Int,
                            turnsPerWriter: Int = 500, tokensPerTurn: Int = 4) async throws -> StageResult {
        let run = UUID().uuidString.prefix(8)
        let started = DispatchTime.now().uptimeNanoseconds
        let samples = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var samples: [UInt64] = []
                    for turn in 0..<turnsPerWriter {
                        let requests = (0..<tokensPerTurn).map {
                            MintRequest("\(run)-\(writer)-\(turn)-\($0)@example.org", kind: .email)
                        }
                        let before = DispatchTime.now().uptimeNanoseconds
                        do {
                            _ = try await scheme.mint(requests)
                        } catch {
                            throw CLIFailure(.error, "\(stage): \(error)")
                        }
                        let elapsed = (DispatchTime.now().uptimeNanoseconds - before) / UInt64(tokensPerTurn)
                        samples += Array(repeating: elapsed, count: tokensPerTurn)
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [UInt64]()) { $0 += $1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return StageResult(stage: stage, samples: samples, seconds: seconds, bytes: 0)
    }

    /// The audit log's group commit under load: every turn's redaction events appended as one call
    /// that returns once they are durable, from `writers` tasks at once.
    /// Surrogates for every detected span, timed per surrogate. Detection is done beforehand: it
    /// has its own stages.
    static func synthesisStage(_ texts: [String], pipeline: DetectionPipeline, rounds: Int) throws -> StageResult {
        let tables: SurrogateTables
        do { tables = try SyntheticSessions.loadTables() } catch { throw CLIFailure(.error, error.description) }
        let detected = texts.map { pipeline.detect($0) }.filter { !$0.isEmpty }
        var samples: [UInt64] = []
        var seconds = 0.0
        for round in 0...rounds {
            // A fresh session per round (made outside the timing): every surrogate is drawn anew.
            let session = SyntheticSession(policy: pipeline.policy, scope: "bench-\(round)", tables: tables)
            let started = DispatchTime.now().uptimeNanoseconds
            for detections in detected {
                let before = DispatchTime.now().uptimeNanoseconds
                for detection in detections { _ = session.surrogate(for: detection.text, kind: detection.kind) }
                let each = (DispatchTime.now().uptimeNanoseconds - before) / UInt64(detections.count)
                if round > 0 { samples += Array(repeating: each, count: detections.count) }
            }
            if round > 0 { seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        }
        let bytes = detected.reduce(0) { $0 + $1.reduce(0) { $0 + $1.text.utf8.count } } * rounds
        return StageResult(stage: "synthesize", samples: samples, seconds: seconds, bytes: bytes)
    }

    static func auditStages(_ texts: [String], pipeline: DetectionPipeline, rounds: Int, wanted: Set<String>,
                            environment: [String: String]) async throws -> [StageResult] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("masker-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = SymmetricKey(size: .bits256)
        let scope = AuditScope(sessionID: "bench", agentID: nil, policy: pipeline.policy)
        // The events `masker mask` would record for each turn, tokens aside (events never carry them).
        let turns: [[AuditEvent]] = texts.map { text in
            let replacements = pipeline.detect(text).map { MaskReplacement(detection: $0, action: .tokenize) }
            return scope.redactions(MaskResult(masked: text, replacements: replacements), tokenization: .vaultDeterministic)
        }.filter { !$0.isEmpty }
        guard !turns.isEmpty else { return [] }
        var results: [StageResult] = []
        let file: AuditLog
        do {
            file = try AuditLog(path: directory.appendingPathComponent("audit.jsonl").path, key: key)
        } catch {
            throw CLIFailure(.error, error.description)
        }
        // (stage, store, concurrent writers, whether a sample is a turn's append (paced as a caller's
        // turns are) or each of its events (back to back))
        var runs: [(String, any AuditStore, Int, Bool)] = [("audit_append", file, 1, false), ("audit_append_x32", file, 32, false),
                                                          ("audit_turn_x100", file, 100, true)]
        var postgres: PostgresAuditLog?
        if wanted.contains("audit_turn_x100_pg") {
            guard let url = environment["MASKER_DATABASE_URL"], !url.isEmpty else {
                throw CLIFailure(.usage, "audit_turn_x100_pg needs MASKER_DATABASE_URL (postgres://user:password@host/database)")
            }
            do {
                postgres = try await PostgresAuditLog(url: url, schema: "masker_bench_\(UInt32.random(in: 0...UInt32.max))", key: key)
            } catch {
                throw CLIFailure(.error, error.description)
            }
            runs.append(("audit_turn_x100_pg", postgres!, 100, true))
        }
        do {
            for (stage, store, writers, perTurn) in runs where wanted.contains(stage) {
                let started = DispatchTime.now().uptimeNanoseconds
                let samples = try await appendLoad(store, stage: stage, turns: turns, writers: writers, rounds: rounds, perTurn: perTurn)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                results.append(StageResult(stage: stage, samples: samples, seconds: seconds, bytes: 0))
            }
        } catch {
            await Self.discard(postgres)
            throw error
        }
        await Self.discard(postgres)
        return results
    }

    /// The throwaway chain's schema dropped, before the command exits.
    static func discard(_ postgres: PostgresAuditLog?) async {
        guard let postgres else { return }
        try? await postgres.dropSchema()
        await postgres.close()
    }

    /// `writers` tasks appending the turns' events, each its share of the corpus per round; the
    /// time of each append, per turn or divided among its events.
    static func appendLoad(_ store: any AuditStore, stage: String, turns: [[AuditEvent]], writers: Int, rounds: Int,
                           perTurn: Bool) async throws -> [UInt64] {
        try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var samples: [UInt64] = []
                    for round in 0..<rounds {
                        for index in stride(from: (writer + round) % writers, to: turns.count, by: writers) {
                            let before = DispatchTime.now().uptimeNanoseconds
                            do {
                                try await store.append(turns[index])
                            } catch {
                                throw CLIFailure(.error, "\(stage): \(error)")
                            }
                            let elapsed = DispatchTime.now().uptimeNanoseconds - before
                            if perTurn {
                                samples.append(elapsed)
                                // A caller's next turn comes 50–150 ms later, as in scripts/load-test.sh.
                                try await Task.sleep(for: .milliseconds(Int.random(in: 50...150)))
                            } else {
                                samples += Array(repeating: elapsed / UInt64(turns[index].count), count: turns[index].count)
                            }
                        }
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [UInt64]()) { $0 += $1 }
        }
    }

    static func load(_ path: String) throws -> [String] {
        let reader = try ByteLineReader.open(path, records: true)
        var texts: [String] = []
        var number = 0
        while let bytes = reader.next() {
            number += 1
            guard let raw = String(validating: bytes, as: UTF8.self) else { throw CLIFailure(.error, "\(path) line \(number) is not valid UTF-8") }
            guard !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            guard let line = try? JSONDecoder().decode(CorpusLine.self, from: Data(raw.utf8)) else {
                throw CLIFailure(.error, "\(path) line \(number) is not a JSON object with a \"text\" string")
            }
            texts.append(line.text)
        }
        return texts
    }

    static func measure(_ stage: String, _ texts: [String], rounds: Int, _ work: (String) -> Void) -> StageResult {
        for text in texts { work(text) } // warm-up
        var samples: [UInt64] = []
        samples.reserveCapacity(texts.count * rounds)
        let started = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds {
            for text in texts {
                let before = DispatchTime.now().uptimeNanoseconds
                work(text)
                samples.append(DispatchTime.now().uptimeNanoseconds - before)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return StageResult(stage: stage, samples: samples, seconds: seconds, bytes: texts.reduce(0) { $0 + $1.utf8.count } * rounds)
    }

    /// `tasks` concurrent tasks, each timing every line `rounds` times: turns/s and MB/s are the
    /// total over the wall time, p50/p99 are per turn as each task saw it (waits for a core included).
    static func measure(_ stage: String, _ texts: [String], rounds: Int, tasks: Int, _ work: @escaping @Sendable (String) -> Void) async -> StageResult {
        for text in texts { work(text) } // warm-up
        let started = DispatchTime.now().uptimeNanoseconds
        let samples = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var samples: [UInt64] = []
                    samples.reserveCapacity(texts.count * rounds)
                    for _ in 0..<rounds {
                        for text in texts {
                            let before = DispatchTime.now().uptimeNanoseconds
                            work(text)
                            samples.append(DispatchTime.now().uptimeNanoseconds - before)
                        }
                    }
                    return samples
                }
            }
            var all: [UInt64] = []
            for await part in group { all += part }
            return all
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return StageResult(stage: stage, samples: samples, seconds: seconds, bytes: texts.reduce(0) { $0 + $1.utf8.count } * rounds * tasks)
    }

    static func measure(_ stage: String, _ texts: [String], rounds: Int, _ work: (String) async -> Void) async -> StageResult {
        await measure(stage, texts, bytes: { $0.utf8.count }, rounds: rounds, work)
    }

    /// Times `work` on each item, `rounds` times after a warm-up. With `units`, each sample is the
    /// item's time divided by its units (tokens in a turn), and the unit count is what is reported.
    /// A separate function from the synchronous one: awaiting costs a little even when nothing
    /// suspends, and the detection stages should not pay it.
    static func measure<Item>(_ stage: String, _ items: [Item], bytes: (Item) -> Int, units: (Item) -> Int = { _ in 1 }, rounds: Int,
                              _ work: (Item) async -> Void) async -> StageResult {
        for item in items { await work(item) } // warm-up
        var samples: [UInt64] = []
        samples.reserveCapacity(items.count * rounds)
        let started = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds {
            for item in items {
                let before = DispatchTime.now().uptimeNanoseconds
                await work(item)
                let count = max(units(item), 1)
                let elapsed = (DispatchTime.now().uptimeNanoseconds - before) / UInt64(count)
                samples += Array(repeating: elapsed, count: count)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return StageResult(stage: stage, samples: samples, seconds: seconds, bytes: items.reduce(0) { $0 + bytes($1) } * rounds)
    }

    /// VmHWM from /proc/self/status: the process's peak resident set.
    static func peakRSSMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return (kilobytes / 1024 * 10).rounded() / 10
    }
}

/// The vault `masker bench` measures the token stages against. Always a throwaway one: a bench
/// must never write into a real vault.
enum BenchVault: String, ExpressibleByArgument, CaseIterable {
    case sqlite, postgres

    func open(environment: [String: String], directory: URL) async throws(CLIFailure) -> any VaultStore {
        do {
            switch self {
            case .sqlite:
                return try SQLiteVaultStore(path: directory.appendingPathComponent("vault.sqlite").path)
            case .postgres:
                guard let url = environment["MASKER_DATABASE_URL"], !url.isEmpty else {
                    throw CLIFailure(.usage, "--vault postgres needs MASKER_DATABASE_URL (postgres://user:password@host/database)")
                }
                return try await PostgresVaultStore(url: url, schema: "masker_bench_\(UInt32.random(in: 0...UInt32.max))")
            }
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
    }

    func discard(_ store: any VaultStore) async {
        if let postgres = store as? PostgresVaultStore { try? await postgres.dropSchema() }
        await store.close()
    }
}
