import Crypto
import CryptoExtras
import Foundation
import Synchronization

/// `vault-deterministic` (`MSKV1`): the body is base32 of the first 16 bytes of
/// HMAC-SHA256(kid key, kind ‖ scope ‖ normalised value), so one value gives one token within its
/// scope (a call session by default: tokens cannot be correlated across calls). The vault keeps
/// token → original surface text, encrypted.
///
/// Three keys are derived from the kid's key with HKDF, one per purpose (token MAC, entry
/// encryption, subject hash), so no key is used for two things.
public struct VaultDeterministicScheme: TokenScheme {
    public let id = TokenSchemeID.vault
    public let kid: String
    public let keyRing: KeyRing
    public let store: any VaultStore
    public let scope: String

    /// The three keys derived from one kid key. The two MAC keys are kept as HMAC states already
    /// keyed: copying one and finishing it skips the key set-up (two SHA-256 blocks) per token.
    /// HMAC is a value type whose digest state is copied on write, so copies never share state.
    /// (A fourth derived key here once made the debug build crash destroying the scheme:
    /// swift_release of a null pointer, a compiler fault that was not reduced.)
    struct DerivedKeys: Sendable {
        let tokenMAC: HMAC<SHA256>
        let entry: SymmetricKey
        let subjectMAC: HMAC<SHA256>

        init(_ key: SymmetricKey) {
            tokenMAC = HMAC(key: VaultDeterministicScheme.derived(key, "token"))
            entry = VaultDeterministicScheme.derived(key, "entry")
            subjectMAC = HMAC(key: VaultDeterministicScheme.derived(key, "subject"))
        }

        /// The keys of `key`, derived once per process. The server builds a scheme (and a
        /// rehydrator) per proxied turn, and nine HKDF runs a turn were a tenth of its CPU time.
        /// Keyed by the key's own bytes, which the key ring already holds in this process; a ring
        /// has a handful of keys, and the cache is emptied if it ever passes 64.
        static func cached(_ key: SymmetricKey) -> DerivedKeys {
            let id = key.withUnsafeBytes { Data($0) }
            if let found = cache.withLock({ $0[id] }) { return found }
            let keys = DerivedKeys(key)
            cache.withLock { cache in
                if cache.count >= 64 { cache.removeAll() }
                cache[id] = keys
            }
            return keys
        }

        private static let cache = Mutex<[Data: DerivedKeys]>([:])
    }

    /// Derived once here rather than three HKDF runs per token: the current key mints, current and
    /// previous restore this kid's entries.
    private let mintingKeys: DerivedKeys?
    private let restoringKeys: [DerivedKeys]

    public init(kid: String, keyRing: KeyRing, store: any VaultStore, scope: String) {
        self.kid = kid
        self.keyRing = keyRing
        self.store = store
        self.scope = scope
        mintingKeys = keyRing.currentKey(for: kid).map(DerivedKeys.cached)
        restoringKeys = Self.keys(of: kid, in: keyRing)
    }

    static func derived(_ key: SymmetricKey, _ purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("masker vault \(purpose) v1".utf8), outputByteCount: 32)
    }

    /// A kid's current and previous keys, derived.
    static func keys(of kid: String, in keyRing: KeyRing) -> [DerivedKeys] {
        [keyRing.currentKey(for: kid), keyRing.previousKey(for: kid)].compactMap { $0 }.map(DerivedKeys.cached)
    }

    /// The token a value would get, without touching the vault.
    func token(for normalized: String, kind: EntityKind, keys: DerivedKeys) -> MaskToken {
        // The message is kind ‖ US ‖ scope ‖ US ‖ value: unit separators keep the fields
        // unambiguous (("AB", "C") and ("A", "BC") differ). Fed field by field, the same bytes.
        var hmac = keys.tokenMAC
        hmac.update(utf8: kind.rawValue)
        hmac.update(data: Self.unitSeparator)
        hmac.update(utf8: scope)
        hmac.update(data: Self.unitSeparator)
        hmac.update(utf8: normalized)
        let body = hmac.finalize().withUnsafeBytes { Base32.encode($0.prefix(16)) }
        return MaskToken(scheme: .vault, kind: kind, kid: kid, body: body)
    }

    private static let unitSeparator: [UInt8] = [0x1F]

    /// The entry re-encrypted under `newKid`'s key, with its subject hash recomputed, for key
    /// rotation. nil when the entry does not open under any key of its current kid.
    public static func rekeyed(_ entry: VaultEntry, to newKid: String, keyRing: KeyRing) -> VaultEntry? {
        guard let newKey = keyRing.currentKey(for: newKid).map(DerivedKeys.cached),
              let box = try? AES.GCM._SIV.SealedBox(combined: entry.ciphertext) else { return nil }
        for keys in Self.keys(of: entry.kid, in: keyRing) {
            guard let plaintext = try? AES.GCM._SIV.open(box, using: keys.entry, authenticating: Array(entry.token.utf8)),
                  let value = String(validating: plaintext, as: UTF8.self),
                  let sealed = try? AES.GCM._SIV.seal(plaintext, using: newKey.entry, authenticating: Array(entry.token.utf8))
            else { continue }
            var rekeyed = entry
            rekeyed.kid = newKid
            rekeyed.ciphertext = Array(sealed.combined)
            rekeyed.subjectHash = subjectHash(ValueNormalizer.normalize(value, kind: entry.kind), kind: entry.kind, subjectMAC: newKey.subjectMAC)
            return rekeyed
        }
        return nil
    }

    public static func subjectHash(_ normalized: String, kind: EntityKind, key: SymmetricKey) -> [UInt8] {
        subjectHash(normalized, kind: kind, subjectMAC: HMAC(key: derived(key, "subject")))
    }

    static func subjectHash(_ normalized: String, kind: EntityKind, subjectMAC: HMAC<SHA256>) -> [UInt8] {
        // kind ‖ US ‖ value, as `token(for:)` feeds its fields.
        var hmac = subjectMAC
        hmac.update(utf8: kind.rawValue)
        hmac.update(data: unitSeparator)
        hmac.update(utf8: normalized)
        return hmac.finalize().withUnsafeBytes { Array($0) }
    }

    /// Every token of the turn and the vault entry each value needs; nothing is stored yet. (A
    /// call's history, sent again with every turn, is not minted again at all: the proxy masks it
    /// from how it was masked the first time, `MaskSplices`.)
    public func prepare(_ requests: [MintRequest]) throws(TokenMintError) -> MintedTokens {
        guard let keys = mintingKeys else { throw .missingKey(kid: kid) }
        var tokens: [MaskToken] = []
        var entries: [VaultEntry] = []
        var seen = Set<String>()
        let now = Date()
        for request in requests {
            let normalized = ValueNormalizer.normalize(request.value, kind: request.kind)
            let token = token(for: normalized, kind: request.kind, keys: keys)
            tokens.append(token)
            let text = token.description
            // A value repeated within the turn is stored once, with its first surface text.
            guard seen.insert(text).inserted else { continue }
            let sealed: AES.GCM._SIV.SealedBox
            do {
                // The value and the token's text as they lie in their strings: no copies to seal.
                var value = request.value, associated = text
                sealed = try value.withUTF8 { value in
                    try associated.withUTF8 { associated in
                        try AES.GCM._SIV.seal(UnsafeRawBufferPointer(value), using: keys.entry, authenticating: UnsafeRawBufferPointer(associated))
                    }
                }
            } catch {
                throw .cryptoFailure(kid: kid)
            }
            entries.append(VaultEntry(token: text, kind: request.kind, kid: kid, scope: scope, ciphertext: Array(sealed.combined),
                                      subjectHash: Self.subjectHash(normalized, kind: request.kind, subjectMAC: keys.subjectMAC),
                                      createdAt: now))
        }
        return MintedTokens(tokens: tokens, entries: entries)
    }

    /// One transaction for the lot: if the vault fails, no token of the turn may be released.
    public func submit(_ entries: [VaultEntry]) -> PendingWrite<VaultUnavailable> {
        store.submit(entries)
    }

    /// Reads all the vault tokens in one query, then decrypts each of this scheme's scope with the keys of the *entry's*
    /// kid: after `vault rotate-key` a row is re-encrypted under the new kid while its token text
    /// keeps the old one, so the old key can be retired.
    public func restore(_ tokens: [MaskToken]) async -> [Result<String, RehydrationFailure>] {
        let wanted = tokens.filter { $0.scheme == .vault }.map(\.description)
        let found: [String: VaultEntry]
        do {
            found = wanted.isEmpty ? [:] : try await store.entries(forTokens: wanted)
        } catch {
            return tokens.map { $0.scheme == .vault ? .failure(.vaultUnavailable) : .failure(.unsupportedScheme) }
        }
        return tokens.map { token in
            guard token.scheme == .vault else { return .failure(.unsupportedScheme) }
            return open(found[token.description], for: token)
        }
    }

    func open(_ entry: VaultEntry?, for token: MaskToken) -> Result<String, RehydrationFailure> {
        // Another scope's token (another session, another account) answers exactly as a token
        // that was never minted: nothing tells the caller it exists.
        guard let entry, entry.scope == scope else {
            return keyRing.currentKey(for: token.kid) ?? keyRing.previousKey(for: token.kid) == nil
                ? .failure(.unknownKid) : .failure(.unknownToken)
        }
        // Entries of this scheme's kid use the keys derived at init; only rotated entries derive here.
        let keys = entry.kid == kid ? restoringKeys : Self.keys(of: entry.kid, in: keyRing)
        guard !keys.isEmpty else { return .failure(.unknownKid) }
        guard let box = try? AES.GCM._SIV.SealedBox(combined: entry.ciphertext) else { return .failure(.tampered) }
        var associated = token.description
        return associated.withUTF8 { associated in
            for key in keys {
                if let plaintext = try? AES.GCM._SIV.open(box, using: key.entry, authenticating: UnsafeRawBufferPointer(associated)),
                   let text = String(validating: plaintext, as: UTF8.self) {
                    return .success(text)
                }
            }
            return .failure(.tampered)
        }
    }
}
