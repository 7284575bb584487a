import Crypto
import Foundation

/// Builds the audit report of SPEC section 6 from a log, in one pass and constant memory: the log
/// is verified while the records in scope are counted. The report holds counts, hashes, the policy
/// and (when payloads are kept) masked samples — never an original value or a token.
public struct AuditReportBuilder {
    public let scope: ReportScope
    private var verifier: AuditChainVerifier
    private var inScope = 0
    private var firstRecord: (ts: String, id: String, prev: String)?
    private var lastRecord: (ts: String, id: String, hash: String)?
    private var byEventKind: [String: Int] = [:]
    private var redactionsByKind: [String: Int] = [:]
    private var redactionsByPass: [String: Int] = [:]
    private var redactionsByKindAndPass: [String: [String: Int]] = [:]
    private var redactionsByTreatment: [String: Int] = [:]
    private var sessions: Set<String> = []
    private var policiesSeen: Set<String> = []

    public init(scope: ReportScope, key: SymmetricKey) {
        self.scope = scope
        verifier = AuditChainVerifier(key: key)
    }

    public mutating func add(line: ArraySlice<UInt8>, number: Int, terminated: Bool) {
        guard verifier.check(line: line, number: number, terminated: terminated) else { return }
        let record = verifier.lastRecord
        func text(_ name: String) -> String? { record[name]?.stringValue }
        let session = text("session_id"), agent = text("agent_id"), ts = text("ts")
        guard scope.includes(timestamp: ts, sessionID: session, agentID: agent) else { return }
        inScope += 1
        if firstRecord == nil { firstRecord = (ts ?? "", text("event_id") ?? "", text("prev_hash") ?? "") }
        lastRecord = (ts ?? "", text("event_id") ?? "", text("this_hash") ?? "")
        let kind = text("kind") ?? "unknown"
        byEventKind[kind, default: 0] += 1
        if let session { sessions.insert(session) }
        if let name = text("policy_name") {
            policiesSeen.insert(name + (record["policy_version"]?.intValue.map { " v\($0)" } ?? ""))
        }
        if kind == AuditEventKind.redaction.rawValue {
            let entity = text("entity_kind") ?? "unknown", pass = text("pass") ?? "unknown"
            redactionsByKind[entity, default: 0] += 1
            redactionsByPass[pass, default: 0] += 1
            redactionsByKindAndPass[entity, default: [:]][pass, default: 0] += 1
            redactionsByTreatment[text("token_kind") ?? "unknown", default: 0] += 1
        }
    }

    /// The unsigned report. `samples` are masked transcripts in scope (at most 20 are kept);
    /// `samplesNote` says why there are none when there are none.
    public func report(logPath: String, policy: Policy, generatedAt: Date, samples: [(ts: String, sessionID: String?, masked: String)],
                       samplesNote: String?) -> JSONValue {
        let outcome = verifier.finish()
        func counts(_ table: [String: Int]) -> JSONValue {
            .object(table.keys.sorted().map { ($0, .int(table[$0]!)) })
        }
        let chain: JSONValue = .object([
            ("log", .string(logPath)), ("verified", .bool(outcome.holds)), ("records", .int(outcome.records)),
            ("start", .string(outcome.start)), ("root", .string(outcome.root)),
            ("first_break", outcome.firstBreak.map { .object([("line", .int($0.line)), ("reason", .string($0.reason))]) } ?? .null),
            ("scope_records", .int(inScope)),
            ("scope_start_hash", firstRecord.map { .string($0.prev) } ?? .null),
            ("scope_end_hash", lastRecord.map { .string($0.hash) } ?? .null),
            ("scope_first_event", firstRecord.map { .string($0.id) } ?? .null),
            ("scope_last_event", lastRecord.map { .string($0.id) } ?? .null),
            ("scope_first_ts", firstRecord.map { .string($0.ts) } ?? .null),
            ("scope_last_ts", lastRecord.map { .string($0.ts) } ?? .null),
        ])
        let byKindAndPass: JSONValue = .object(redactionsByKindAndPass.keys.sorted().map { ($0, counts(redactionsByKindAndPass[$0]!)) })
        return .object([
            ("report", .string("masker-audit-report")), ("format_version", .int(1)),
            ("generated_at", .string(UTCTimestamp.format(generatedAt))),
            ("scope", scope.jsonValue),
            ("chain", chain),
            ("counts", .object([
                ("sessions", .int(sessions.count)), ("events_by_kind", counts(byEventKind)),
                ("redactions_by_entity_kind", counts(redactionsByKind)), ("redactions_by_pass", counts(redactionsByPass)),
                ("redactions_by_entity_kind_and_pass", byKindAndPass), ("redactions_by_treatment", counts(redactionsByTreatment)),
            ])),
            ("safe_harbor", .array(safeHarborMatrix(policy: policy))),
            ("policies_seen", .array(policiesSeen.sorted().map(JSONValue.string))),
            ("policy", policy.jsonValue),
            ("samples", .array(samples.prefix(Self.maxSamples).map {
                .object([("ts", .string($0.ts)), ("session_id", $0.sessionID.map(JSONValue.string) ?? .null), ("masked", .string($0.masked))])
            })),
            ("samples_note", samplesNote.map(JSONValue.string) ?? .null),
        ])
    }

    public static let maxSamples = 20

    /// One row per Safe Harbor category: the kinds that carry it, whether the policy masks them,
    /// what was masked in scope, and the recall this release measured on labelled data.
    func safeHarborMatrix(policy: Policy) -> [JSONValue] {
        SafeHarborCategory.allCases.map { category in
            let kinds = category.kinds
            let enabled = kinds.filter { policy.entities[$0]?.enabled ?? false }
            let actions = Set(enabled.compactMap { policy.entities[$0]?.action.rawValue }).sorted()
            let coverage: String
            if kinds.isEmpty {
                coverage = "not carried by text"
            } else if enabled.count == kinds.count {
                coverage = actions == ["passthrough"] ? "detected, kept (passthrough)" : "masked"
            } else {
                coverage = enabled.isEmpty ? "off in this policy" : "partly off in this policy"
            }
            func recall(_ table: [String: MeasuredRecall.Counts]) -> JSONValue {
                let gold = kinds.reduce(0) { $0 + (table[$1.rawValue]?.gold ?? 0) }
                let found = kinds.reduce(0) { $0 + (table[$1.rawValue]?.found ?? 0) }
                guard gold > 0 else { return .null }
                return .object([("recall", .double((Double(found) / Double(gold) * 1000).rounded() / 1000)), ("gold_spans", .int(gold))])
            }
            return .object([
                ("category", .string(category.rawValue)), ("title", .string(category.title)),
                ("kinds", .array(kinds.map { .string($0.rawValue) })), ("coverage", .string(coverage)),
                ("actions", .array(actions.map(JSONValue.string))),
                ("redactions", .int(kinds.reduce(0) { $0 + (redactionsByKind[$1.rawValue] ?? 0) })),
                ("measured_recall", .object(MeasuredRecall.sets.map { ($0.name, recall($0.counts)) })),
            ])
        }
    }
}
