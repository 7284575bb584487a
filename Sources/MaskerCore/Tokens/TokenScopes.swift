/// The scope every token is minted in and restored from: `account/owner/session`, where the owner
/// is what minted it within the account (an agent's id for proxied turns, `api` for
/// `/api/v1/mask`, `cli` for `masker mask`), or `account/*` when the policy says `scope: global`.
///
/// Why the account comes first: accounts are walls. A vault-deterministic token's body is an HMAC
/// over its scope and its vault row keeps the scope, which restoring compares; a reversible-aead
/// token binds its scope as associated data. So a token restores only where it was minted, and
/// anywhere else it is exactly an unknown token (`Rehydrator`), even under `scope: global`, which
/// is global to one account.
///
/// Every part is an id Masker made or one checked by `OpaqueID` (none holds a `/`), so a scope
/// can never carry PHI into the vault.
public enum TokenScopes {
    /// The account of the command-line tools, which work on the data directory directly.
    public static let localAccount = "local"

    public static func scope(_ policy: Policy, account: String, owner: String, session: String) -> String {
        switch policy.scope {
        case .global: return "\(account)/*"
        case .session: return "\(account)/\(owner)/\(session)"
        }
    }
}
