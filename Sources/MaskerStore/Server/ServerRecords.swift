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
    /// Milliseconds spent in each stage, summed over the turns: detect, tokenize, upstream, rehydrate.
    public var stageMillis: [String: Double]

    public init(id: String, accountID: String, agentID: String, externalID: String?, startedAt: Date, updatedAt: Date,
                turns: Int, status: String, redactionsByKind: [String: Int], stageMillis: [String: Double]) {
        self.id = id
        self.accountID = accountID
        self.agentID = agentID
        self.externalID = externalID
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.turns = turns
        self.status = status
        self.redactionsByKind = redactionsByKind
        self.stageMillis = stageMillis
    }
}

/// What one proxied turn adds to its session.
public struct SessionTurn: Sendable {
    public var status: String
    public var redactionsByKind: [String: Int]
    public var stageMillis: [String: Double]

    public init(status: String, redactionsByKind: [String: Int], stageMillis: [String: Double]) {
        self.status = status
        self.redactionsByKind = redactionsByKind
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
