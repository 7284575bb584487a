import Crypto
import CryptoExtras

/// `reversible-aead` (`MSK1`): the body is AES-256-GCM-SIV of the original text, `nonce ‖
/// ciphertext ‖ tag` in base32, with the token's scheme, kind and kid, and the scope it was minted
/// in (`TokenScopes`: account, agent, session), as associated data. No state: any replica holding
/// the key restores it, for the account and session that minted it only; the same key opens
/// nothing of another account's, which is what makes accounts walls under this scheme.
///
/// GCM-SIV rather than GCM: a repeated random nonce (the 96-bit birthday bound) leaks only whether
/// two plaintexts were equal, instead of the keystream. Minting uses a fresh random nonce, so one
/// value gives a different token each time; the vault scheme is the one that is deterministic.
public struct ReversibleAEADScheme: TokenScheme {
    public let id = TokenSchemeID.aead
    public let kid: String
    public let keyRing: KeyRing
    /// Bound into every token's associated data: restoring needs the same scope.
    public let scope: String

    public init(kid: String, keyRing: KeyRing, scope: String = "") {
        self.kid = kid
        self.keyRing = keyRing
        self.scope = scope
    }

    public func prepare(_ requests: [MintRequest]) throws(TokenMintError) -> MintedTokens {
        var tokens: [MaskToken] = []
        tokens.reserveCapacity(requests.count)
        for request in requests { tokens.append(try mintOne(request.value, kind: request.kind)) }
        return MintedTokens(tokens: tokens)
    }

    /// The token carries its value: nothing to store.
    public func submit(_ entries: [VaultEntry]) -> PendingWrite<VaultUnavailable> { .finished() }

    public func restore(_ tokens: [MaskToken]) async -> [Result<String, RehydrationFailure>] {
        tokens.map(restoreOne)
    }

    func mintOne(_ value: String, kind: EntityKind) throws(TokenMintError) -> MaskToken {
        guard let key = keyRing.currentKey(for: kid) else { throw .missingKey(kid: kid) }
        var token = MaskToken(scheme: .aead, kind: kind, kid: kid, body: "")
        do {
            let sealed = try AES.GCM._SIV.seal(Array(value.utf8), using: key, authenticating: token.associatedData(scope: scope))
            token.body = Base32.encode(sealed.combined)
        } catch {
            throw .cryptoFailure(kid: kid)
        }
        return token
    }

    /// Tries the kid's current key, then its previous one (`MASKER_KEY_<kid>_OLD`), so tokens
    /// minted before a rotation still restore during the grace period.
    func restoreOne(_ token: MaskToken) -> Result<String, RehydrationFailure> {
        guard token.scheme == .aead else { return .failure(.unsupportedScheme) }
        let keys = [keyRing.currentKey(for: token.kid), keyRing.previousKey(for: token.kid)].compactMap { $0 }
        guard !keys.isEmpty else { return .failure(.unknownKid) }
        guard let bytes = Base32.decode(token.body), let box = try? AES.GCM._SIV.SealedBox(combined: bytes) else {
            return .failure(.tampered)
        }
        for key in keys {
            if let plaintext = try? AES.GCM._SIV.open(box, using: key, authenticating: token.associatedData(scope: scope)),
               let text = String(validating: plaintext, as: UTF8.self) {
                return .success(text)
            }
        }
        return .failure(.tampered)
    }
}
