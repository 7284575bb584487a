/// Why a token could not be minted. Names the kid, never the value or key.
public enum TokenMintError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingKey(kid: String)
    case cryptoFailure(kid: String)
    /// The vault could not store the entry; the turn must not proceed.
    case vaultUnavailable(String)

    public var description: String {
        switch self {
        case let .missingKey(kid):
            return "no key for kid \(kid): set \(KeyRing.variableName(for: kid)) (masker keys generate), or run with MASKER_DEV=1"
        case let .cryptoFailure(kid):
            return "could not encrypt with the key of kid \(kid)"
        case let .vaultUnavailable(reason):
            return "the vault is unavailable (\(reason)); nothing was masked"
        }
    }
}

/// Why a token found in model output could not be restored. Stable codes for the
/// `rehydration_failed` event.
public enum RehydrationFailure: String, Error, Sendable, Equatable {
    /// Token-shaped text whose kind or kid is not valid.
    case malformed
    /// No current or previous key for the token's kid (unknown, or rotated out).
    case unknownKid = "unknown_kid"
    /// The body does not authenticate under any key of the kid: altered, or from another deployment.
    case tampered
    /// The scheme is not configured in this process (e.g. an MSKV1 token with no vault).
    case unsupportedScheme = "unsupported_scheme"
    /// A vault token the vault does not hold (never minted here, or purged).
    case unknownToken = "unknown_token"
    /// The vault could not be read.
    case vaultUnavailable = "vault_unavailable"
}

/// One value of a turn to be replaced by a token.
public struct MintRequest: Sendable, Equatable {
    /// The original surface text of the detected span.
    public var value: String
    public var kind: EntityKind

    public init(_ value: String, kind: EntityKind) {
        self.value = value
        self.kind = kind
    }
}

/// A turn's tokens, computed but not yet restorable: the vault entries they need are still to be
/// stored (`TokenScheme.persist`). Splitting the two lets the proxy send a turn's tokens to the
/// model while the vault commits them, and hold the answer until the commit is done.
public struct MintedTokens: Sendable {
    /// One token per request, in order.
    public var tokens: [MaskToken]
    /// What must be stored before any of `tokens` can be restored (none for a stateless scheme).
    public var entries: [VaultEntry]

    public init(tokens: [MaskToken], entries: [VaultEntry] = []) {
        self.tokens = tokens
        self.entries = entries
    }
}

/// One reversible tokenization scheme (SPEC section 4). Each scheme lives in its own file.
///
/// Both directions take a whole turn at once: a vault scheme then stores a turn's entries in one
/// transaction and reads an answer's tokens in one query, instead of one round trip per token.
public protocol TokenScheme: Sendable {
    var id: TokenSchemeID { get }
    /// One token per request, in order, and the entries that store them, computed without
    /// storing anything; all or nothing.
    func prepare(_ requests: [MintRequest]) throws(TokenMintError) -> MintedTokens
    /// Starts storing what `entries` need (one transaction for the lot) and returns at once;
    /// tokens are restorable once the write's `wait()` returns. It throws when the store fails:
    /// none of them may then be released.
    func submit(_ entries: [VaultEntry]) -> PendingWrite<VaultUnavailable>
    /// The original surface text of each token, in order.
    func restore(_ tokens: [MaskToken]) async -> [Result<String, RehydrationFailure>]
}

extension PendingWrite where Failure == VaultUnavailable {
    /// Waits for a vault write as minting sees it: a failed store is `.vaultUnavailable`, and
    /// none of the write's tokens may then be released.
    public func waitUntilStored() async throws(TokenMintError) {
        do {
            try await wait()
        } catch {
            throw .vaultUnavailable(error.reason)
        }
    }
}

extension TokenScheme {
    /// Stores what `entries` need; tokens are restorable once it returns. Throws
    /// `.vaultUnavailable` when the store fails: none of them may then be released.
    public func persist(_ entries: [VaultEntry]) async throws(TokenMintError) {
        try await submit(entries).waitUntilStored()
    }

    /// Tokens that are restorable when returned: prepared and persisted.
    public func mint(_ requests: [MintRequest]) async throws(TokenMintError) -> [MaskToken] {
        let minted = try prepare(requests)
        try await persist(minted.entries)
        return minted.tokens
    }

    public func mint(_ value: String, kind: EntityKind) async throws(TokenMintError) -> MaskToken {
        try await mint([MintRequest(value, kind: kind)])[0]
    }

    public func restore(_ token: MaskToken) async -> Result<String, RehydrationFailure> {
        await restore([token])[0]
    }
}
