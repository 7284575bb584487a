import Foundation

/// The outcome of reading a policy document: a policy, or the errors that prevent one. Warnings may
/// accompany either. `policy` is nil exactly when `issues.errors` is not empty.
public struct PolicyParseResult: Sendable {
    public var policy: Policy?
    public var issues: [PolicyIssue]
    /// Where `kid:` was written, so key checks against the environment can point at it.
    public var kidLocation: SourcePosition

    public var isValid: Bool { policy != nil }
}

/// Reads and validates a policy document in one walk, collecting every problem instead of stopping
/// at the first, because an author fixing a policy wants the whole list at once.
///
/// Only structure is checked here. Whether `MASKER_KEY_<kid>` exists depends on the environment the
/// policy is deployed into; `PolicyKeyCheck` adds those issues.
public enum PolicyParser {
    /// Policies are a few kilobytes; anything this large is a mistake (or an attack on the parser).
    public static let maxBytes = 1 << 20

    public static func parse(_ text: String) -> PolicyParseResult {
        var reader = Reader()
        let policy = reader.read(text)
        return PolicyParseResult(policy: reader.issues.errors.isEmpty ? policy : nil,
                                 issues: reader.issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) },
                                 kidLocation: reader.kidLocation)
    }

    static let topLevelKeys = ["name", "version", "description", "kid", "epsilon", "tokenization",
                               "synthetic", "passes", "entities", "audit", "scope", "allow"]
    static let requiredKeys = ["name", "version", "kid", "tokenization", "passes", "entities"]
    static let syntheticKeys = ["seed", "preserve_locale", "k"]
    static let entityKeys = ["enabled", "regex", "ner", "confidence_threshold", "action", "patterns"]
    static let auditKeys = ["log_events", "log_payloads", "retention_days"]
    static let passOptionKeys = ["entities", "mask_speakers"]
}

private struct Entry {
    var key: String
    var keyNode: YAMLNode
    var value: YAMLNode
}

private struct Reader {
    var issues: [PolicyIssue] = []
    var kidLocation = SourcePosition.start

    mutating func report(_ code: PolicyIssueCode, _ path: String, _ node: YAMLNode, _ message: String, fix: String) {
        issues.append(PolicyIssue(code, path: path, at: node.location, message: message, fix: fix))
    }

    // MARK: Document

    mutating func read(_ text: String) -> Policy? {
        if text.utf8.count > PolicyParser.maxBytes {
            issues.append(PolicyIssue(.yamlSyntax, path: "", at: .start,
                                      message: "the policy is \(text.utf8.count) bytes; the limit is \(PolicyParser.maxBytes)",
                                      fix: "a policy is a few kilobytes: check that this is the right file"))
            return nil
        }
        let root: YAMLNode?
        do {
            root = try YAMLComposer.compose(text)
        } catch {
            issues.append(PolicyIssue(.yamlSyntax, path: "", at: error.location, message: error.message,
                                      fix: "correct the YAML at this position (indentation, a missing ':' or an unclosed quote or bracket)"))
            return nil
        }
        guard let root, !root.isNull else {
            issues.append(PolicyIssue(.invalidType, path: "", at: .start, message: "the policy file is empty",
                                      fix: "start from configs/mask_policy.yaml, or run `masker policy show` for a complete example"))
            return nil
        }
        guard let entries = mapping(root, "") else { return nil }
        let fields = index(entries, allowed: PolicyParser.topLevelKeys, path: "", duplicateCode: .duplicateKey)
        for key in PolicyParser.requiredKeys where fields[key] == nil || fields[key]!.value.isNull {
            let at = fields[key]?.keyNode ?? root
            report(.missingField, key, at, "required field '\(key)' is missing",
                   fix: "add '\(key): …' at the top level (see configs/mask_policy.yaml)")
        }

        let name = fields["name"].flatMap { readName($0) }
        let version = fields["version"].flatMap { readVersion($0) }
        let description = fields["description"].flatMap { nonNull($0.value) }.flatMap { scalar($0, "description") } ?? ""
        let kid = fields["kid"].flatMap { readKid($0) }
        let epsilon = fields["epsilon"].flatMap { readEpsilon($0) } ?? Policy.defaultEpsilon
        let tokenization = fields["tokenization"].flatMap { readScheme($0) }
        let synthetic = fields["synthetic"].flatMap { nonNull($0.value) }.map { readSynthetic($0) } ?? SyntheticSettings()
        let passes = fields["passes"].flatMap { nonNull($0.value) }.flatMap { readPasses($0) }
        let entities = fields["entities"].flatMap { nonNull($0.value) }.flatMap { readEntities($0) }
        let audit = fields["audit"].flatMap { nonNull($0.value) }.map { readAudit($0) } ?? AuditSettings()
        let scope = fields["scope"].flatMap { nonNull($0.value) }.flatMap { readScope($0) } ?? .session
        let allow = fields["allow"].flatMap { nonNull($0.value) }.map { readAllow($0) } ?? []

        guard let name, let version, let kid, let tokenization, let passes, let entities else { return nil }
        let policy = Policy(name: name, version: version, description: description, kid: kid, epsilon: epsilon,
                            tokenization: tokenization, synthetic: synthetic, passes: passes.map(\.pass),
                            entities: entities.rules, audit: audit, scope: scope, allow: allow)
        crossCheck(policy, passes: passes, entities: entities, fields: fields)
        return policy
    }

    // MARK: Top-level fields

    mutating func readName(_ entry: Entry) -> String? {
        guard let text = nonNull(entry.value).flatMap({ scalar($0, "name") }) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            report(.outOfRange, "name", entry.value, "name must be 1 to 200 characters",
                   fix: "give the policy a short unique name such as 'healthcare-default'")
            return nil
        }
        return trimmed
    }

    mutating func readVersion(_ entry: Entry) -> Int? {
        guard let node = nonNull(entry.value), let version = integer(node, "version") else { return nil }
        guard version == Policy.currentVersion else {
            report(.unsupportedVersion, "version", node, "schema version \(version) is not supported",
                   fix: "set 'version: \(Policy.currentVersion)' (the only schema version this Masker reads)")
            return nil
        }
        return version
    }

    mutating func readKid(_ entry: Entry) -> String? {
        guard let node = nonNull(entry.value), let kid = scalar(node, "kid") else { return nil }
        kidLocation = node.location
        if let problem = KeyID.problem(with: kid) {
            report(.invalidKid, "kid", node, problem,
                   fix: "use a name such as K_HEALTHCARE; it becomes part of the variable MASKER_KEY_<kid> and of every token")
            return nil
        }
        return kid
    }

    mutating func readEpsilon(_ entry: Entry) -> Double? {
        guard let node = nonNull(entry.value), let epsilon = number(node, "epsilon") else { return nil }
        guard epsilon > 0 else {
            report(.outOfRange, "epsilon", node, "epsilon must be greater than 0, found \(epsilon)",
                   fix: "use 0.5 (strong privacy, the healthcare default), 1.0 or 2.0")
            return nil
        }
        return epsilon
    }

    mutating func readScheme(_ entry: Entry) -> TokenizationScheme? {
        guard let node = nonNull(entry.value), let text = scalar(node, "tokenization") else { return nil }
        guard let scheme = TokenizationScheme(rawValue: text) else {
            let names = TokenizationScheme.allCases.map(\.rawValue)
            report(.invalidScheme, "tokenization", node,
                   "unknown tokenization scheme \"\(text)\"\(Suggestion.hint(for: text, in: names))",
                   fix: "use one of \(names.joined(separator: ", "))")
            return nil
        }
        return scheme
    }

    /// `allow: [Sunrise Clinic, Masker]`: phrases of one to eight words.
    mutating func readAllow(_ node: YAMLNode) -> [String] {
        guard case let .sequence(items) = node.value else {
            report(.invalidType, "allow", node, "allow must be a list, found \(node.shapeDescription)",
                   fix: "write one phrase per line, e.g. '  - Sunrise Clinic'")
            return []
        }
        var phrases: [String] = []
        for (index, item) in items.enumerated() {
            let path = "allow[\(index)]"
            guard let text = scalar(item, path) else { continue }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let words = trimmed.split(whereSeparator: \.isWhitespace).count
            guard !trimmed.isEmpty, trimmed.count <= 200, words <= 8 else {
                report(.outOfRange, path, item, "an allowed phrase must be 1 to 8 words and at most 200 characters",
                       fix: "list the name as it is spoken, e.g. 'Sunrise Clinic'")
                continue
            }
            phrases.append(trimmed)
        }
        return phrases
    }

    mutating func readScope(_ node: YAMLNode) -> Policy.TokenScope? {
        guard let text = scalar(node, "scope") else { return nil }
        guard let scope = Policy.TokenScope(rawValue: text) else {
            let names = Policy.TokenScope.allCases.map(\.rawValue)
            report(.outOfRange, "scope", node, "unknown scope \"\(text)\"\(Suggestion.hint(for: text, in: names))",
                   fix: "use session (the default: tokens differ between calls) or global")
            return nil
        }
        return scope
    }

    mutating func readSynthetic(_ node: YAMLNode) -> SyntheticSettings {
        var settings = SyntheticSettings()
        guard let entries = mapping(node, "synthetic") else { return settings }
        let fields = index(entries, allowed: PolicyParser.syntheticKeys, path: "synthetic", duplicateCode: .duplicateKey)
        if let node = fields["seed"].flatMap({ nonNull($0.value) }) {
            settings.seed = seed(node)
        }
        if let node = fields["preserve_locale"].flatMap({ nonNull($0.value) }), let value = bool(node, "synthetic.preserve_locale") {
            settings.preserveLocale = value
        }
        if let node = fields["k"].flatMap({ nonNull($0.value) }), let k = integer(node, "synthetic.k") {
            if k >= 1 { settings.k = k } else {
                report(.outOfRange, "synthetic.k", node, "k must be at least 1, found \(k)",
                       fix: "use \(SyntheticSettings.defaultK) (values seen fewer than k times are drawn from the public distribution)")
            }
        }
        return settings
    }

    mutating func seed(_ node: YAMLNode) -> UInt64? {
        guard let text = scalar(node, "synthetic.seed")?.replacingUnderscores else { return nil }
        let lowered = text.lowercased()
        guard let value = SyntheticSettings.parseSeed(text) else {
            let isNumeric = !lowered.isEmpty && lowered.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isHexDigit)
            report(isNumeric ? .outOfRange : .invalidType, "synthetic.seed", node,
                   "seed \"\(text)\" is not a whole number from 0 to 2^64-1",
                   fix: "write a decimal or hexadecimal number such as 12345 or 0xC0FFEE, or remove the seed")
            return nil
        }
        return value
    }

    mutating func readAudit(_ node: YAMLNode) -> AuditSettings {
        var settings = AuditSettings()
        guard let entries = mapping(node, "audit") else { return settings }
        let fields = index(entries, allowed: PolicyParser.auditKeys, path: "audit", duplicateCode: .duplicateKey)
        if let node = fields["log_events"].flatMap({ nonNull($0.value) }), let value = bool(node, "audit.log_events") {
            settings.logEvents = value
        }
        if let node = fields["log_payloads"].flatMap({ nonNull($0.value) }), let value = bool(node, "audit.log_payloads") {
            settings.logPayloads = value
        }
        if let node = fields["retention_days"].flatMap({ nonNull($0.value) }), let days = integer(node, "audit.retention_days") {
            if days > 0 { settings.retentionDays = days } else {
                report(.outOfRange, "audit.retention_days", node, "retention_days must be greater than 0, found \(days)",
                       fix: "use 2555 (seven years) unless your retention schedule says otherwise")
            }
        }
        return settings
    }

    // MARK: Passes

    struct ReadPass {
        var pass: DetectionPass
        var node: YAMLNode
        var path: String
        /// Where each restricted kind was named, for `missing_entity`.
        var kindNodes: [(EntityKind, YAMLNode)]
    }

    mutating func readPasses(_ node: YAMLNode) -> [ReadPass]? {
        guard case let .sequence(items) = node.value else {
            report(.invalidType, "passes", node, "passes must be a list, found \(node.shapeDescription)",
                   fix: "write one pass per line, e.g. '  - regex' then '  - gemma'")
            return nil
        }
        guard !items.isEmpty else {
            report(.invalidPass, "passes", node, "no detection pass is listed, so nothing would be masked",
                   fix: "list at least '- regex'; add '- gemma' for names and places")
            return nil
        }
        var passes: [ReadPass] = []
        var seen: [DetectionPassName: SourcePosition] = [:]
        var failed = false
        for (index, item) in items.enumerated() {
            let path = "passes[\(index)]"
            guard let pass = readPass(item, path) else { failed = true; continue }
            if let first = seen[pass.pass.name] {
                report(.duplicatePass, path, item, "pass '\(pass.pass.name.rawValue)' is listed twice (first at line \(first.line))",
                       fix: "list each pass once; restrict a pass to some kinds with '- \(pass.pass.name.rawValue): {entities: [...]}'")
                failed = true
                continue
            }
            seen[pass.pass.name] = item.location
            passes.append(pass)
        }
        return failed ? nil : passes
    }

    mutating func readPass(_ node: YAMLNode, _ path: String) -> ReadPass? {
        let names = DetectionPassName.allCases.map(\.rawValue)
        func passName(_ nameNode: YAMLNode) -> DetectionPassName? {
            guard let text = scalar(nameNode, path) else { return nil }
            guard let name = DetectionPassName(rawValue: text) else {
                report(.invalidPass, path, nameNode, "unknown pass \"\(text)\"\(Suggestion.hint(for: text, in: names))",
                       fix: "use one of \(names.joined(separator: ", ")) (order matters: regex first)")
                return nil
            }
            return name
        }
        switch node.value {
        case .scalar:
            return passName(node).map { ReadPass(pass: DetectionPass($0), node: node, path: path, kindNodes: []) }
        case let .mapping(pairs):
            guard pairs.count == 1, let (keyNode, options) = pairs.first else {
                report(.invalidPass, path, node, "a pass written as a mapping must have exactly one key, the pass name",
                       fix: "write '- gemma: {entities: [NAME, ADDRESS]}'")
                return nil
            }
            guard let name = passName(keyNode) else { return nil }
            guard let options = nonNull(options) else {
                return ReadPass(pass: DetectionPass(name), node: node, path: path, kindNodes: [])
            }
            guard let entries = mapping(options, "\(path).\(name.rawValue)") else { return nil }
            let fields = index(entries, allowed: PolicyParser.passOptionKeys, path: "\(path).\(name.rawValue)",
                               duplicateCode: .duplicateKey)
            if let speakers = fields["mask_speakers"].flatMap({ nonNull($0.value) }) {
                guard name == .diarize else {
                    report(.invalidPass, "\(path).\(name.rawValue).mask_speakers", speakers,
                           "only the diarize pass attributes speakers, so only it takes mask_speakers",
                           fix: "move it to '- diarize: {mask_speakers: [caller]}'")
                    return nil
                }
                guard let masked = readSpeakers(speakers, "\(path).diarize.mask_speakers") else { return nil }
                return ReadPass(pass: DetectionPass(name, maskSpeakers: masked), node: node, path: path, kindNodes: [])
            }
            guard let list = fields["entities"].flatMap({ nonNull($0.value) }) else {
                return ReadPass(pass: DetectionPass(name), node: node, path: path, kindNodes: [])
            }
            guard name.detectsEntities else {
                report(.invalidPass, "\(path).\(name.rawValue).entities", list,
                       "the \(name.rawValue) pass attributes speakers and finds no entities, so it cannot be restricted to kinds",
                       fix: "write '- \(name.rawValue)' on its own")
                return nil
            }
            guard let kinds = readKindList(list, "\(path).\(name.rawValue).entities") else { return nil }
            return ReadPass(pass: DetectionPass(name, entities: kinds.map(\.0)), node: node, path: path, kindNodes: kinds)
        case .sequence:
            report(.invalidPass, path, node, "a pass must be a name or a one-key mapping, found a list",
                   fix: "write '- regex' or '- gemma: {entities: [NAME]}'")
            return nil
        }
    }

    /// `mask_speakers: [caller]`: whose lines are masked. The caller's must be: a policy that
    /// leaves the caller's own words unmasked sends the patient's PHI to the model. Both sides
    /// listed is the default written out, and reads as nil.
    mutating func readSpeakers(_ node: YAMLNode, _ path: String) -> [Speaker]?? {
        let names = [Speaker.caller, .agent].map(\.rawValue)
        guard case let .sequence(items) = node.value else {
            report(.invalidType, path, node, "mask_speakers must be a list of speakers, found \(node.shapeDescription)",
                   fix: "write 'mask_speakers: [caller]' to leave the agent's own lines alone")
            return nil
        }
        var speakers = Set<Speaker>()
        var failed = false
        for (index, item) in items.enumerated() {
            guard let text = scalar(item, "\(path)[\(index)]") else { failed = true; continue }
            guard let speaker = Speaker(rawValue: text), speaker != .unknown else {
                let why = text == Speaker.unknown.rawValue ? "text no speaker is found for is always masked, so it cannot be listed"
                    : "unknown speaker \"\(text)\"\(Suggestion.hint(for: text, in: names))"
                report(.outOfRange, "\(path)[\(index)]", item, why, fix: "list caller, and agent to mask the agent's lines too")
                failed = true
                continue
            }
            speakers.insert(speaker)
        }
        guard !failed else { return nil }
        guard speakers.contains(.caller) else {
            report(.unmaskedCaller, path, node, "mask_speakers leaves the caller's lines unmasked: the patient's own words would reach the model",
                   fix: "write 'mask_speakers: [caller]' (the agent's lines kept) or remove mask_speakers (everyone masked)")
            return nil
        }
        return .some(speakers.count == 2 ? nil : speakers.sorted())
    }

    mutating func readKindList(_ node: YAMLNode, _ path: String) -> [(EntityKind, YAMLNode)]? {
        guard case let .sequence(items) = node.value else {
            report(.invalidType, path, node, "entities must be a list of kinds, found \(node.shapeDescription)",
                   fix: "write 'entities: [NAME, ADDRESS]'")
            return nil
        }
        var kinds: [(EntityKind, YAMLNode)] = []
        var failed = false
        for (index, item) in items.enumerated() {
            guard let text = scalar(item, "\(path)[\(index)]") else { failed = true; continue }
            guard let kind = kind(named: text, item, "\(path)[\(index)]") else { failed = true; continue }
            if !kinds.contains(where: { $0.0 == kind }) { kinds.append((kind, item)) }
        }
        return failed ? nil : kinds
    }

    // MARK: Entities

    struct ReadEntities {
        var rules: [EntityKind: EntityRule]
        var nodes: [EntityKind: YAMLNode]
    }

    mutating func readEntities(_ node: YAMLNode) -> ReadEntities? {
        guard case let .mapping(pairs) = node.value else {
            report(.invalidType, "entities", node, "entities must be a mapping of kinds, found \(node.shapeDescription)",
                   fix: "write 'entities:' then one indented block per kind, e.g. '  PHONE: {action: tokenize}'")
            return nil
        }
        guard !pairs.isEmpty else {
            report(.missingField, "entities", node, "no entity kind is declared, so nothing would be masked",
                   fix: "declare the kinds to mask (configs/mask_policy.yaml declares all of them)")
            return nil
        }
        var rules: [EntityKind: EntityRule] = [:]
        var nodes: [EntityKind: YAMLNode] = [:]
        var failed = false
        for (keyNode, value) in pairs {
            guard let text = scalar(keyNode, "entities") else { failed = true; continue }
            guard let kind = kind(named: text, keyNode, "entities.\(text)") else { failed = true; continue }
            if let first = nodes[kind] {
                report(.duplicateKind, "entities.\(text)", keyNode,
                       "\(kind.rawValue) is declared twice (first at line \(first.location.line)); YAML would silently keep only one",
                       fix: "merge the two \(kind.rawValue) blocks into one")
                failed = true
                continue
            }
            nodes[kind] = keyNode
            guard let rule = readRule(value, "entities.\(kind.rawValue)") else { failed = true; continue }
            rules[kind] = rule
        }
        return failed ? nil : ReadEntities(rules: rules, nodes: nodes)
    }

    mutating func readRule(_ node: YAMLNode, _ path: String) -> EntityRule? {
        var rule = EntityRule()
        guard let node = nonNull(node) else { return rule } // `PHONE:` alone takes every default
        guard let entries = mapping(node, path) else { return nil }
        let before = issues.errors.count
        let fields = index(entries, allowed: PolicyParser.entityKeys, path: path, duplicateCode: .duplicateKey)
        if let node = fields["enabled"].flatMap({ nonNull($0.value) }), let value = bool(node, "\(path).enabled") {
            rule.enabled = value
        }
        if let node = fields["regex"].flatMap({ nonNull($0.value) }), let value = bool(node, "\(path).regex") {
            rule.regex = value
        }
        if let node = fields["ner"].flatMap({ nonNull($0.value) }), let value = bool(node, "\(path).ner") {
            rule.ner = value
        }
        if let node = fields["confidence_threshold"].flatMap({ nonNull($0.value) }),
           let value = number(node, "\(path).confidence_threshold") {
            if (0...1).contains(value) { rule.confidenceThreshold = value } else {
                report(.outOfRange, "\(path).confidence_threshold", node,
                       "confidence_threshold must be between 0 and 1, found \(value)",
                       fix: "use a score such as 0.6 (lower catches more, higher is more precise)")
            }
        }
        if let node = fields["action"].flatMap({ nonNull($0.value) }), let text = scalar(node, "\(path).action") {
            if let action = EntityAction(rawValue: text) { rule.action = action } else {
                let names = EntityAction.allCases.map(\.rawValue)
                report(.invalidAction, "\(path).action", node,
                       "unknown action \"\(text)\"\(Suggestion.hint(for: text, in: names))",
                       fix: "use one of \(names.joined(separator: ", "))")
            }
        }
        if let node = fields["patterns"].flatMap({ nonNull($0.value) }) {
            rule.patterns = readPatterns(node, "\(path).patterns")
        }
        return issues.errors.count == before ? rule : nil
    }

    mutating func readPatterns(_ node: YAMLNode, _ path: String) -> [String] {
        guard case let .sequence(items) = node.value else {
            report(.invalidType, path, node, "patterns must be a list of regular expressions, found \(node.shapeDescription)",
                   fix: "write 'patterns: [\"MRN-\\\\d{7}\"]' or one '- ' item per line")
            return []
        }
        var patterns: [String] = []
        for (index, item) in items.enumerated() {
            guard let pattern = scalar(item, "\(path)[\(index)]") else { continue }
            if let problem = PatternCompiler.problem(with: pattern) {
                report(.invalidPattern, "\(path)[\(index)]", item, "pattern \"\(pattern)\" \(problem)",
                       fix: "correct the regular expression (the syntax in docs/policy.md: no back-references or lookaround); single-quote it in YAML so backslashes stay as written")
                continue
            }
            patterns.append(pattern)
        }
        return patterns
    }

    mutating func kind(named text: String, _ node: YAMLNode, _ path: String) -> EntityKind? {
        if let kind = EntityKind(rawValue: text) { return kind }
        let names = EntityKind.allCases.map(\.rawValue)
        report(.unknownEntity, path, node, "unknown entity kind \"\(text)\"\(Suggestion.hint(for: text, in: names))",
               fix: "use one of \(names.joined(separator: ", "))")
        return nil
    }

    // MARK: Checks across fields

    mutating func crossCheck(_ policy: Policy, passes: [ReadPass], entities: ReadEntities, fields: [String: Entry]) {
        for pass in passes {
            for (kind, node) in pass.kindNodes where entities.rules[kind] == nil {
                report(.missingEntity, "\(pass.path).\(pass.pass.name.rawValue).entities", node,
                       "pass '\(pass.pass.name.rawValue)' names \(kind.rawValue), which is not declared under entities",
                       fix: "declare \(kind.rawValue) under entities, or remove it from this pass")
            }
        }
        for kind in policy.declaredKinds {
            guard let rule = policy.entities[kind], rule.enabled, !policy.isDetected(kind),
                  let node = entities.nodes[kind] else { continue }
            report(.entityNotDetected, "entities.\(kind.rawValue)", node,
                   "\(kind.rawValue) is enabled but no listed pass looks for it (regex: \(rule.regex), ner: \(rule.ner))",
                   fix: rule.regex || rule.ner
                       ? "add the pass it needs to passes (regex for regex: true, gemma for ner: true), or widen that pass's entities"
                       : "set regex: true or ner: true, or enabled: false if it should not be masked")
        }
        let undeclared = policy.undeclaredKinds
        if !undeclared.isEmpty, let entry = fields["entities"] {
            let categories = Set(undeclared.map(\.safeHarborCategory)).sorted { $0.rawValue < $1.rawValue }
            report(.undeclaredKinds, "entities", entry.keyNode,
                   "\(undeclared.map(\.rawValue).joined(separator: ", ")) \(undeclared.count == 1 ? "is" : "are") not declared and will pass unmasked (Safe Harbor \(categories.map(\.rawValue).joined(separator: ", ")))",
                   fix: "declare them (configs/mask_policy.yaml covers every kind), or ignore this if leaving them is intended")
        }
        if policy.tokenization == .synthetic, policy.synthetic.seed != nil, let entry = fields["synthetic"] {
            report(.fixedSeed, "synthetic.seed", entry.keyNode,
                   "a fixed synthetic seed makes surrogates reproducible; with the seed and a surrogate an original can in principle be recovered",
                   fix: "use a fixed seed only in development and CI, where no real PHI is present; remove it for production and analytics")
        }
    }

    // MARK: Typed scalars

    /// Flags unknown and duplicate keys, and returns the first entry for each known key.
    mutating func index(_ entries: [Entry], allowed: [String], path: String, duplicateCode: PolicyIssueCode) -> [String: Entry] {
        var fields: [String: Entry] = [:]
        for entry in entries {
            let fieldPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            guard allowed.contains(entry.key) else {
                report(.unknownKey, fieldPath, entry.keyNode,
                       "unknown key '\(entry.key)'\(Suggestion.hint(for: entry.key, in: allowed))",
                       fix: "remove it or use one of: \(allowed.joined(separator: ", "))")
                continue
            }
            if let first = fields[entry.key] {
                report(duplicateCode, fieldPath, entry.keyNode,
                       "'\(entry.key)' is set twice (first at line \(first.keyNode.location.line)); YAML would silently keep only one",
                       fix: "keep one '\(entry.key)'")
                continue
            }
            fields[entry.key] = entry
        }
        return fields
    }

    mutating func mapping(_ node: YAMLNode, _ path: String) -> [Entry]? {
        guard case let .mapping(pairs) = node.value else {
            report(.invalidType, path, node, "\(path.isEmpty ? "the policy" : path) must be a mapping, found \(node.shapeDescription)",
                   fix: path.isEmpty ? "start from configs/mask_policy.yaml" : "write '\(path.split(separator: ".").last ?? ""):' followed by indented 'key: value' lines")
            return nil
        }
        var entries: [Entry] = []
        for (keyNode, value) in pairs {
            guard let key = scalar(keyNode, path) else { continue }
            entries.append(Entry(key: key, keyNode: keyNode, value: value))
        }
        return entries
    }

    func nonNull(_ node: YAMLNode) -> YAMLNode? { node.isNull ? nil : node }

    mutating func scalar(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = node.scalarText else {
            report(.invalidType, path, node, "expected a single value, found \(node.shapeDescription)",
                   fix: "write a plain value on the same line as the key")
            return nil
        }
        return text
    }

    mutating func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        guard let text = scalar(node, path) else { return nil }
        if case .scalar(_, .plain, nil) = node.value {
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        report(.invalidType, path, node, "expected true or false, found \"\(text)\"",
               fix: "write true or false without quotes (yes/no/on/off are not booleans here)")
        return nil
    }

    mutating func integer(_ node: YAMLNode, _ path: String) -> Int? {
        guard let text = scalar(node, path) else { return nil }
        let digits = text.replacingUnderscores
        let isInteger = node.isPlain && !digits.isEmpty
            && digits.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isASCIIDigit)
            && digits.drop(while: { $0 == "-" || $0 == "+" }).count > 0
            && digits.prefix(while: { $0 == "-" || $0 == "+" }).count <= 1
        guard isInteger else {
            report(.invalidType, path, node, "expected a whole number, found \"\(text)\"",
                   fix: "write a number without quotes, e.g. 1")
            return nil
        }
        guard let value = Int(digits) else {
            report(.outOfRange, path, node, "\(text) is too large", fix: "use a smaller number")
            return nil
        }
        return value
    }

    mutating func number(_ node: YAMLNode, _ path: String) -> Double? {
        guard let text = scalar(node, path) else { return nil }
        // Swift's Double(_:) also accepts "inf", "nan" and hex floats; YAML numbers here are plain decimals.
        guard node.isPlain, text.isPlainDecimal, let value = Double(text), value.isFinite else {
            report(.invalidType, path, node, "expected a number, found \"\(text)\"",
                   fix: "write a decimal number without quotes, e.g. 0.6")
            return nil
        }
        return value
    }
}

private extension YAMLNode {
    var isPlain: Bool {
        if case .scalar(_, .plain, nil) = value { return true }
        return false
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate var replacingUnderscores: String { filter { $0 != "_" } }

    /// `-1`, `0.5`, `.5`, `1e-3`: decimal notation only.
    fileprivate var isPlainDecimal: Bool {
        var rest = Substring(self)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let mantissa = rest.prefix { $0.isASCIIDigit || $0 == "." }
        guard mantissa.contains(where: \.isASCIIDigit), mantissa.filter({ $0 == "." }).count <= 1 else { return false }
        rest = rest.dropFirst(mantissa.count)
        guard !rest.isEmpty else { return true }
        guard rest.first == "e" || rest.first == "E" else { return false }
        rest = rest.dropFirst()
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        return !rest.isEmpty && rest.allSatisfy(\.isASCIIDigit)
    }
}
