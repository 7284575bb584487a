import Crypto
import Foundation

/// An account: every agent, token and session belongs to exactly one, and no request made with one
/// account's credentials can read or change another's objects.
public struct Account: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// An API token as it can be shown: never the secret, never its hash.
public struct APITokenInfo: Sendable, Equatable {
    public var id: String
    public var role: String
    public var createdAt: Date

    public init(id: String, role: String, createdAt: Date) {
        self.id = id
        self.role = role
        self.createdAt = createdAt
    }
}

/// A person who logs in to the API or portal with a password; belongs to one account.
public struct User: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var username: String
    /// `admin` or `member` (shown by `/me`; both may manage their account's agents today).
    public var role: String
    public var createdAt: Date

    public init(id: String, accountID: String, username: String, role: String, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.username = username
        self.role = role
        self.createdAt = createdAt
    }
}

/// A logged-in browser: who it is, and the CSRF token its writes must echo.
public struct LoginSession: Sendable, Equatable {
    public var user: User
    public var account: Account
    public var csrfToken: String
    public var expiresAt: Date

    public init(user: User, account: Account, csrfToken: String, expiresAt: Date) {
        self.user = user
        self.account = account
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// A configured voice agent: where the proxy sends its masked turns and under which policy.
public struct Agent: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var name: String
    /// `stub` or `openai:<model>`.
    public var upstream: String
    /// A tokenization scheme name overriding the policy's, or nil.
    public var tokenization: String?
    /// A named built-in policy, or nil.
    public var policyName: String?
    /// The agent's own policy document, validated when the agent was created, or nil.
    public var policyYAML: String?
    public var createdAt: Date

    public init(id: String, accountID: String, name: String, upstream: String, tokenization: String?, policyName: String?,
                policyYAML: String?, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.upstream = upstream
        self.tokenization = tokenization
        self.policyName = policyName
        self.policyYAML = policyYAML
        self.createdAt = createdAt
    }
}

/// One call through the proxy (all turns that carried the same `Masker-Session-Id`): counts and
/// timings only, never text.
public struct ProxySession: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var agentID: String
    /// The caller's `Masker-Session-Id`, if it sent one (a telephony call id, not PHI by policy).
    public var externalID: String?
    public var startedAt: Date
    public var updatedAt: Date
    public var turns: Int
    /// `ok`, or the error code of the last turn that failed.
    public var status: String
    public var redactionsByKind: [String: Int]
    /// The same redactions by the pass that found them (`regex`, `gemma`).
    public var redactionsByPass: [String: Int]
    /// Milliseconds spent in each stage, summed over the turns: detect, tokenize, upstream, rehydrate.
    public var stageMillis: [String: Double]

    public init(id: String, accountID: String, agentID: String, externalID: String?, startedAt: Date, updatedAt: Date,
                turns: Int, status: String, redactionsByKind: [String: Int], redactionsByPass: [String: Int] = [:],
                stageMillis: [String: Double]) {
        self.id = id
        self.accountID = accountID
        self.agentID = agentID
        self.externalID = externalID
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.turns = turns
        self.status = status
        self.redactionsByKind = redactionsByKind
        self.redactionsByPass = redactionsByPass
        self.stageMillis = stageMillis
    }
}

/// What one proxied turn adds to its session.
public struct SessionTurn: Sendable {
    public var status: String
    public var redactionsByKind: [String: Int]
    public var redactionsByPass: [String: Int]
    public var stageMillis: [String: Double]

    public init(status: String, redactionsByKind: [String: Int], redactionsByPass: [String: Int] = [:], stageMillis: [String: Double]) {
        self.status = status
        self.redactionsByKind = redactionsByKind
        self.redactionsByPass = redactionsByPass
        self.stageMillis = stageMillis
    }
}

public enum ServerStoreError: Error, Equatable, CustomStringConvertible {
    /// Another agent of the same account has this name.
    case nameTaken
    /// A user of this name exists (in any account: log-in is by user name alone).
    case usernameTaken
    case unavailable(String)

    public var description: String {
        switch self {
        case .nameTaken: return "an agent with this name already exists in this account"
        case .usernameTaken: return "a user with this name already exists; choose another name"
        case let .unavailable(reason): return "the server database is unavailable: \(reason)"
        }
    }
}

/// One proxied turn as the portal shows it: when, how it ended, where its time went, and where
/// each masked span sat, by field. Positions, kinds and counts only, as in the audit log; the
/// turn's text exists only in `sealed`, and only when its policy had `audit.log_payloads: true`.
public struct ProxyTurn: Sendable, Equatable {
    /// `turn_…`, sortable: a session's turns read back in the order they were answered.
    public var id: String
    public var sessionID: String
    public var accountID: String
    public var agentID: String
    public var at: Date
    /// `ok`, or the error code the turn ended with.
    public var status: String
    public var stageMillis: [String: Double]
    public var spans: [TurnSpan]
    /// Tokens of the model's answer restored, and tokens that could not be (redacted instead).
    public var restored: Int
    public var unrestorable: Int
    /// The turn's texts, sealed (`TurnPayload`), or nil when payloads were not kept.
    public var sealed: Data?

    public init(id: String, sessionID: String, accountID: String, agentID: String, at: Date, status: String,
                stageMillis: [String: Double], spans: [TurnSpan], restored: Int, unrestorable: Int, sealed: Data?) {
        self.id = id
        self.sessionID = sessionID
        self.accountID = accountID
        self.agentID = agentID
        self.at = at
        self.status = status
        self.stageMillis = stageMillis
        self.spans = spans
        self.restored = restored
        self.unrestorable = unrestorable
        self.sealed = sealed
    }
}

/// A masked span of a turn: the request field it was in, its half-open Unicode-scalar offsets in
/// that field's original text and in its masked text, and how it was found and treated.
public struct TurnSpan: Sendable, Equatable {
    public var field: String
    public var start: Int
    public var end: Int
    public var maskedStart: Int
    public var maskedEnd: Int
    public var kind: String
    public var pass: String
    public var confidence: Double
    /// The token scheme, `redacted` or `passthrough` (as the audit log's `token_kind`).
    public var action: String
    /// Who said it (`caller`, `agent`, `unknown`) under the `diarize` pass; nil otherwise.
    public var speaker: String?

    public init(field: String, start: Int, end: Int, maskedStart: Int, maskedEnd: Int, kind: String, pass: String,
                confidence: Double, action: String, speaker: String? = nil) {
        self.field = field
        self.start = start
        self.end = end
        self.maskedStart = maskedStart
        self.maskedEnd = maskedEnd
        self.kind = kind
        self.pass = pass
        self.confidence = confidence
        self.action = action
        self.speaker = speaker
    }
}

/// A signed audit report made in the portal, kept for its account: what it covers (a label of
/// ids, names and times, no text) and the signed report itself, sealed (`RecordSeal`: its samples
/// are masked transcripts, which a missed detection could leave PHI in).
public struct StoredReport: Sendable, Equatable {
    /// `rpt_…`.
    public var id: String
    public var accountID: String
    public var createdAt: Date
    /// What it covers, as the list shows it: "session sess_…", "agent desk", "since …".
    public var scope: String
    /// Whether the audit chain verified when the report was made.
    public var verified: Bool
    public var sealed: Data

    public init(id: String, accountID: String, createdAt: Date, scope: String, verified: Bool, sealed: Data) {
        self.id = id
        self.accountID = accountID
        self.createdAt = createdAt
        self.scope = scope
        self.verified = verified
        self.sealed = sealed
    }

    /// The signed report's JSON text, sealed for this account and id.
    public static func seal(_ report: String, key: SymmetricKey, id: String, accountID: String) throws -> Data {
        try RecordSeal.seal(Array(report.utf8), key: key, context: context(id: id, accountID: accountID))
    }

    /// The signed report's JSON text, or nil when it does not open (another key, another account).
    public func open(key: SymmetricKey) -> String? {
        RecordSeal.open(sealed, key: key, context: Self.context(id: id, accountID: accountID)).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func context(id: String, accountID: String) -> [(String, String)] {
        [("record", "report"), ("account_id", accountID), ("report_id", id)]
    }
}

/// A recording sent to `POST /api/v1/transcripts`, kept only when the policy it was masked under
/// sets `audit.log_payloads: true`: the audio itself (PHI twice over: a voice, and every identifier
/// spoken), sealed for its account and id (`RecordSeal`), with no text beside it. Dropped with the
/// payloads by `masker audit purge`.
public struct StoredRecording: Sendable, Equatable {
    /// `rec_…`.
    public var id: String
    public var accountID: String
    public var agentID: String?
    public var sessionID: String
    public var createdAt: Date
    public var sealed: Data

    public init(id: String, accountID: String, agentID: String?, sessionID: String, createdAt: Date, sealed: Data) {
        self.id = id
        self.accountID = accountID
        self.agentID = agentID
        self.sessionID = sessionID
        self.createdAt = createdAt
        self.sealed = sealed
    }

    /// The recording's bytes, sealed for this account and id.
    public static func seal(_ audio: [UInt8], key: SymmetricKey, id: String, accountID: String) throws -> Data {
        try RecordSeal.seal(audio, key: key, context: context(id: id, accountID: accountID))
    }

    /// The recording's bytes, or nil when they do not open (another key, another account).
    public func open(key: SymmetricKey) -> [UInt8]? {
        RecordSeal.open(sealed, key: key, context: Self.context(id: id, accountID: accountID))
    }

    private static func context(id: String, accountID: String) -> [(String, String)] {
        [("record", "recording"), ("account_id", accountID), ("recording_id", id)]
    }
}
