/// How detected spans become tokens. See SPEC section 4 and the policy seed.
public enum TokenizationScheme: String, CaseIterable, Sendable, Codable {
    /// HMAC-derived token, original kept encrypted in the vault (`MSKV1`).
    case vaultDeterministic = "vault-deterministic"
    /// Stateless AES-256-GCM-SIV token (`MSK1`); any replica with the key can rehydrate.
    case reversibleAEAD = "reversible-aead"
    /// A realistic fake value that refers to nobody; not reversible.
    case synthetic
}
