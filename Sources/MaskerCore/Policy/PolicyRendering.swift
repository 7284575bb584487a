/// The effective policy as data and as YAML, every default filled in, keys in the schema's order and
/// kinds in canonical order, so `masker policy show` output is stable enough to diff and commit.
///
/// Built by hand rather than through `Encodable`: Foundation's JSONEncoder on Linux does not keep
/// key order for nested containers, and Yams writes 0.5 as `5e-1`.
extension Policy {
    public var jsonValue: JSONValue {
        var synthetic: [(String, JSONValue)] = []
        if let seed = self.synthetic.seed { synthetic.append(("seed", .uint(seed))) }
        synthetic += [("preserve_locale", .bool(self.synthetic.preserveLocale)), ("k", .int(self.synthetic.k))]
        var fields: [(String, JSONValue)] = [
            ("name", .string(name)),
            ("version", .int(version)),
            ("description", .string(description)),
            ("kid", .string(kid)),
            ("epsilon", .double(epsilon)),
            ("tokenization", .string(tokenization.rawValue)),
            ("scope", .string(scope.rawValue)),
            ("synthetic", .object(synthetic)),
            ("passes", .array(passes.map(\.jsonValue))),
            ("entities", .object(declaredKinds.map { ($0.rawValue, entities[$0]!.jsonValue) })),
            ("audit", .object([
                ("log_events", .bool(audit.logEvents)),
                ("log_payloads", .bool(audit.logPayloads)),
                ("retention_days", .int(audit.retentionDays)),
            ])),
        ]
        // Written only when set, so policies without one render as they always have.
        if !allow.isEmpty { fields.insert(("allow", .array(allow.map(JSONValue.string))), at: 9) }
        return .object(fields)
    }

    /// YAML that `PolicyParser` reads back to an equal policy. Only `name` and `description` are
    /// free text; they are written as double-quoted scalars (JSON string syntax is valid YAML), so
    /// no value can change type or break the document.
    public var yamlText: String {
        var lines = [
            "name: \(JSONValue.string(name).serialized())",
            "version: \(version)",
            "description: \(JSONValue.string(description).serialized())",
            "kid: \(kid)",
            "epsilon: \(epsilon)",
            "tokenization: \(tokenization.rawValue)",
            "scope: \(scope.rawValue)",
            "synthetic:",
        ]
        if let seed = synthetic.seed { lines.append("  seed: \(seed)") }
        lines += ["  preserve_locale: \(synthetic.preserveLocale)", "  k: \(synthetic.k)", "passes:"]
        for pass in passes {
            if let speakers = pass.maskSpeakers {
                lines.append("  - \(pass.name.rawValue): {mask_speakers: [\(speakers.map(\.rawValue).joined(separator: ", "))]}")
            } else if let kinds = pass.entities {
                lines.append("  - \(pass.name.rawValue): {entities: [\(kinds.map(\.rawValue).joined(separator: ", "))]}")
            } else {
                lines.append("  - \(pass.name.rawValue)")
            }
        }
        if !allow.isEmpty {
            lines.append("allow:")
            for phrase in allow { lines.append("  - \(JSONValue.string(phrase).serialized())") }
        }
        lines.append("entities:")
        for kind in declaredKinds {
            let rule = entities[kind]!
            lines += [
                "  \(kind.rawValue):",
                "    enabled: \(rule.enabled)",
                "    regex: \(rule.regex)",
                "    ner: \(rule.ner)",
                "    confidence_threshold: \(rule.confidenceThreshold)",
                "    action: \(rule.action.rawValue)",
            ]
            if !rule.patterns.isEmpty {
                lines.append("    patterns:")
                lines += rule.patterns.map { "      - \(JSONValue.string($0).serialized())" }
            }
        }
        lines += [
            "audit:",
            "  log_events: \(audit.logEvents)",
            "  log_payloads: \(audit.logPayloads)",
            "  retention_days: \(audit.retentionDays)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}

extension EntityRule {
    public var jsonValue: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("enabled", .bool(enabled)), ("regex", .bool(regex)), ("ner", .bool(ner)),
            ("confidence_threshold", .double(confidenceThreshold)), ("action", .string(action.rawValue)),
        ]
        if !patterns.isEmpty { fields.append(("patterns", .array(patterns.map { .string($0) }))) }
        return .object(fields)
    }
}

extension DetectionPass {
    /// A plain pass is its name; a restricted one `{gemma: {entities: [...]}}` or
    /// `{diarize: {mask_speakers: [...]}}`: the forms the parser accepts.
    public var jsonValue: JSONValue {
        if let maskSpeakers {
            return .object([(name.rawValue, .object([("mask_speakers", .array(maskSpeakers.map { .string($0.rawValue) }))]))])
        }
        guard let entities else { return .string(name.rawValue) }
        return .object([(name.rawValue, .object([("entities", .array(entities.map { .string($0.rawValue) }))]))])
    }
}
