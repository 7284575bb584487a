/// One difference between two policies.
public struct PolicyChange: Equatable, Sendable, Encodable {
    public enum Change: String, Sendable, Encodable { case added, removed, changed }

    /// What a reviewer cares about, so the summary can say "2 thresholds changed".
    public enum Category: String, CaseIterable, Sendable, Encodable {
        case metadata, kid, scheme, epsilon, synthetic, passes, entity, flag, threshold, action, patterns, audit
    }

    public var path: String
    public var change: Change
    public var category: Category
    public var from: JSONValue?
    public var to: JSONValue?

    /// `~ entities.PHONE.confidence_threshold: 0.6 → 0.8`
    public var line: String {
        switch change {
        case .added: return "+ \(path): \(to?.description ?? "")"
        case .removed: return "- \(path): \(from?.description ?? "")"
        case .changed: return "~ \(path): \(from?.description ?? "") → \(to?.description ?? "")"
        }
    }
}

/// The differences that change what a deployed policy does (SPEC section 1, `masker policy diff`).
/// Both policies are compared with defaults filled in, so writing a default out explicitly is not a
/// change.
public struct PolicyDiff: Sendable, Encodable {
    public var changes: [PolicyChange]

    public var isEmpty: Bool { changes.isEmpty }

    public init(from old: Policy, to new: Policy) {
        var changes: [PolicyChange] = []
        func compare(_ path: String, _ category: PolicyChange.Category, _ a: JSONValue, _ b: JSONValue) {
            if a != b { changes.append(PolicyChange(path: path, change: .changed, category: category, from: a, to: b)) }
        }
        compare("name", .metadata, .string(old.name), .string(new.name))
        compare("version", .metadata, .int(old.version), .int(new.version))
        compare("description", .metadata, .string(old.description), .string(new.description))
        compare("kid", .kid, .string(old.kid), .string(new.kid))
        compare("tokenization", .scheme, .string(old.tokenization.rawValue), .string(new.tokenization.rawValue))
        compare("scope", .scheme, .string(old.scope.rawValue), .string(new.scope.rawValue))
        compare("epsilon", .epsilon, .double(old.epsilon), .double(new.epsilon))
        compare("synthetic.seed", .synthetic, old.synthetic.seed.map(JSONValue.uint) ?? .null, new.synthetic.seed.map(JSONValue.uint) ?? .null)
        compare("synthetic.preserve_locale", .synthetic, .bool(old.synthetic.preserveLocale), .bool(new.synthetic.preserveLocale))
        compare("synthetic.k", .synthetic, .int(old.synthetic.k), .int(new.synthetic.k))
        compare("passes", .passes, Self.passes(old.passes), Self.passes(new.passes))
        compare("allow", .passes, .array(old.allow.map(JSONValue.string)), .array(new.allow.map(JSONValue.string)))

        for kind in Set(old.declaredKinds + new.declaredKinds).sorted() {
            let path = "entities.\(kind.rawValue)"
            switch (old.entities[kind], new.entities[kind]) {
            case let (nil, rule?):
                changes.append(PolicyChange(path: path, change: .added, category: .entity, from: nil, to: rule.jsonValue))
            case let (rule?, nil):
                changes.append(PolicyChange(path: path, change: .removed, category: .entity, from: rule.jsonValue, to: nil))
            case let (a?, b?):
                compare("\(path).enabled", .flag, .bool(a.enabled), .bool(b.enabled))
                compare("\(path).regex", .flag, .bool(a.regex), .bool(b.regex))
                compare("\(path).ner", .flag, .bool(a.ner), .bool(b.ner))
                compare("\(path).confidence_threshold", .threshold, .double(a.confidenceThreshold), .double(b.confidenceThreshold))
                compare("\(path).action", .action, .string(a.action.rawValue), .string(b.action.rawValue))
                compare("\(path).patterns", .patterns, .array(a.patterns.map { .string($0) }), .array(b.patterns.map { .string($0) }))
            case (nil, nil):
                break
            }
        }
        compare("audit.log_events", .audit, .bool(old.audit.logEvents), .bool(new.audit.logEvents))
        compare("audit.log_payloads", .audit, .bool(old.audit.logPayloads), .bool(new.audit.logPayloads))
        compare("audit.retention_days", .audit, .int(old.audit.retentionDays), .int(new.audit.retentionDays))
        self.changes = changes
    }

    /// `2 entities added, 1 threshold changed` — counted by what a reviewer asks about.
    public var summary: String {
        guard !isEmpty else { return "no differences" }
        var parts: [String] = []
        func count(_ label: String, _ plural: String, _ predicate: (PolicyChange) -> Bool) {
            let n = changes.filter(predicate).count
            if n > 0 { parts.append("\(n) \(n == 1 ? label : plural)") }
        }
        count("entity added", "entities added") { $0.category == .entity && $0.change == .added }
        count("entity removed", "entities removed") { $0.category == .entity && $0.change == .removed }
        count("threshold changed", "thresholds changed") { $0.category == .threshold }
        count("action changed", "actions changed") { $0.category == .action }
        count("flag changed", "flags changed") { $0.category == .flag }
        count("pattern list changed", "pattern lists changed") { $0.category == .patterns }
        count("pass list changed", "pass lists changed") { $0.category == .passes }
        count("scheme changed", "schemes changed") { $0.category == .scheme }
        count("kid changed", "kids changed") { $0.category == .kid }
        count("epsilon changed", "epsilons changed") { $0.category == .epsilon }
        count("synthetic setting changed", "synthetic settings changed") { $0.category == .synthetic }
        count("audit setting changed", "audit settings changed") { $0.category == .audit }
        count("metadata field changed", "metadata fields changed") { $0.category == .metadata }
        return parts.joined(separator: ", ")
    }

    static func passes(_ passes: [DetectionPass]) -> JSONValue {
        .array(passes.map { .string($0.summary) })
    }
}
