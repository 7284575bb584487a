/// Compiles policy `patterns:`. Kept in one place so validation and detection agree on what compiles.
public enum PatternCompiler {
    /// Why a pattern cannot be used, or nil. Patterns run with `PatternMatcher` (linear time), so
    /// what it cannot run is refused here rather than run slowly on every turn.
    public static func problem(with pattern: String) -> String? {
        guard !pattern.isEmpty else { return "is empty" }
        guard pattern.unicodeScalars.count <= 1_000 else { return "is longer than 1,000 characters" }
        do {
            let program = try PatternProgram.compile(pattern)
            // A pattern that matches the empty string would mark every position.
            if !PatternMatcher(program).matches(in: []).isEmpty { return "matches empty text" }
            return nil
        } catch {
            return error.description
        }
    }
}

/// The site-specific shapes a policy declares for a kind (`entities.MRN.patterns`), matched on the
/// original text, case-insensitively (ASR output is lowercase, written text is not). Written forms
/// only (the normaliser's canonical tokens are not text). 0.9.
///
/// Patterns come from any account's agent policy and run on every turn of it, so they run on
/// `PatternMatcher`, whose time is linear in the turn whatever the pattern: one account's pattern
/// cannot stall the server (a backtracking engine took 15–19 s on `(a*)*b` and a 40-character turn).
struct PolicyPatternRecognizer: Recognizer {
    let name = "policy_pattern"
    let kinds: Set<EntityKind>
    let kind: EntityKind
    let matchers: [PatternMatcher]

    init?(kind: EntityKind, patterns: [String]) {
        let matchers = patterns.compactMap { pattern in (try? PatternProgram.compile(pattern)).map(PatternMatcher.init) }
        guard !matchers.isEmpty else { return nil }
        self.kind = kind
        kinds = [kind]
        self.matchers = matchers
    }

    func recognize(_ text: ScannedText) -> [Candidate] {
        let scalars = Array(text.string.unicodeScalars)
        return matchers.flatMap { matcher in candidates(matcher.matches(in: scalars)) }
    }

    /// The patterns' matches, stopping when `deadline` passes: the one recognizer whose cost is
    /// in a policy's hands (up to 1,000 characters of pattern per entry, over every turn).
    func recognize(_ text: ScannedText, deadline: DetectionDeadline) throws(DetectionTimedOut) -> [Candidate] {
        let scalars = Array(text.string.unicodeScalars)
        var found: [Candidate] = []
        for matcher in matchers {
            let run = matcher.run(scalars, budget: matcher.budget(for: scalars.count), deadline: deadline)
            if run.timedOut { throw DetectionTimedOut(pass: .regex, budget: deadline.budget) }
            found += candidates(run.matches)
        }
        return found
    }

    private func candidates(_ matches: [(start: Int, end: Int)]) -> [Candidate] {
        matches.filter { $0.end > $0.start }.map { Candidate(kind: kind, start: $0.start, end: $0.end, confidence: 0.9) }
    }
}
