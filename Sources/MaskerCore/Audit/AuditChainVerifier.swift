import Crypto

/// Walks an audit log line by line and names the first record where the chain breaks, with a reason
/// a person can act on. It recomputes each hash from the parsed record, as an auditor's own script
/// would (`docs/audit.md`), rather than trusting the bytes: a record re-serialised differently but
/// meaning the same verifies; one whose meaning changed does not.
///
/// What it detects, and how:
/// - an edited record: its `this_hash` no longer matches its content;
/// - a deleted, inserted or moved record: the next record's `prev_hash` no longer matches;
/// - records deleted from the start: the first record does not follow genesis and no retention
///   checkpoint in the log vouches for the prefix it follows;
/// - records cut from the end: only against a root hash taken earlier (`expectedRoot`), since a
///   shorter chain is otherwise a valid chain;
/// - a write cut short: a last line with no newline.
public struct AuditChainVerifier {
    public struct Break: Sendable, Equatable {
        /// 1-based line number in the file.
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public struct Outcome: Sendable, Equatable {
        public var records: Int
        /// The last record's `this_hash` (genesis for an empty log): what an auditor keeps to detect
        /// truncation later.
        public var root: String
        /// What the first record follows: genesis, or the root of a prefix that retention dropped.
        public var start: String
        /// The line whose `this_hash` is the expected root, when one was given and found.
        public var expectedRootLine: Int?
        public var firstBreak: Break?
        public var holds: Bool { firstBreak == nil }
    }

    /// Every record carries all of these (null where they do not apply).
    public static let requiredFields = ["ts", "event_id", "session_id", "agent_id", "kind", "pass", "entity_kind", "span",
                                        "confidence", "token_kind", "kid", "policy_name", "policy_version", "prev_hash", "this_hash"]

    /// Keyed once: keying an HMAC costs as much as hashing a record.
    private let mac: HMAC<SHA256>
    private let expectedRoot: String?
    private var records = 0
    /// The `this_hash` of the last record that verified (genesis before any).
    public private(set) var previousHash = AuditChain.genesis
    /// The last record that verified, parsed, so callers that also read the records (retention,
    /// reports) need not parse each line a second time.
    public private(set) var lastRecord: JSONValue = .null
    private var start = AuditChain.genesis
    private var checkpointRoots: Set<String> = []
    private var expectedRootLine: Int?
    private var firstBreak: Break?

    public init(key: SymmetricKey, expectedRoot: String? = nil) {
        mac = HMAC<SHA256>(key: key)
        self.expectedRoot = expectedRoot?.lowercased()
    }

    /// Checks the next line. `terminated` says whether a newline followed it. Returns false once
    /// the chain has broken; later lines are not looked at (the first break is the one to fix).
    @discardableResult
    public mutating func check(line bytes: ArraySlice<UInt8>, number: Int, terminated: Bool) -> Bool {
        guard firstBreak == nil else { return false }
        func fail(_ reason: String) -> Bool {
            firstBreak = Break(line: number, reason: reason)
            return false
        }
        guard terminated else {
            return fail("the last record is incomplete (no newline at the end): a write was cut short, or the file was truncated mid-record")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(bytes))
        } catch {
            return fail("not a JSON record (\(error.description))")
        }
        guard case let .object(pairs) = value else { return fail("not a JSON object") }
        for field in Self.requiredFields where value[field] == nil {
            return fail("missing field \"\(field)\"")
        }
        guard let thisHash = value["this_hash"]?.stringValue, let prevHash = value["prev_hash"]?.stringValue else {
            return fail("prev_hash and this_hash must be strings")
        }
        let hashed = JSONValue.object(pairs.filter { $0.0 != "this_hash" })
        let expected = AuditChain.hash(previousHash: prevHash, canonicalFields: hashed.canonicalBytes, mac: mac)
        guard expected == thisHash else {
            return fail("this_hash does not match the record's content: the record was edited, or written with another MASKER_AUDIT_HMAC_KEY")
        }
        if records == 0 {
            start = prevHash
        } else if prevHash != previousHash {
            return fail("prev_hash does not match the previous record's this_hash: a record before this one was deleted, or records were inserted or reordered")
        }
        if value["kind"]?.stringValue == AuditEventKind.retentionCheckpoint.rawValue,
           let root = value["detail"]?["dropped_root"]?.stringValue {
            checkpointRoots.insert(root)
        }
        records += 1
        previousHash = thisHash
        lastRecord = value
        if thisHash == expectedRoot { expectedRootLine = number }
        return true
    }

    public func finish() -> Outcome {
        var outcome = Outcome(records: records, root: previousHash, start: start, expectedRootLine: expectedRootLine, firstBreak: firstBreak)
        guard firstBreak == nil else { return outcome }
        if start != AuditChain.genesis, !checkpointRoots.contains(start) {
            outcome.firstBreak = Break(line: 1, reason: "the first record follows \(start.prefix(16))…, not genesis, and no retention checkpoint accounts for the records before it: records were deleted from the start of the log")
        } else if let expectedRoot, expectedRootLine == nil {
            outcome.firstBreak = Break(line: records, reason: "the expected root \(expectedRoot.prefix(16))… is not in the chain, which ends at record \(records) with \(previousHash.prefix(16))…: records were cut from the end (truncation), or this is not the log the root was taken from")
        }
        return outcome
    }
}
