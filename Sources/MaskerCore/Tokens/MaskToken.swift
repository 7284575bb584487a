/// The two reversible token schemes and their prefixes.
public enum TokenSchemeID: String, CaseIterable, Sendable {
    /// vault-deterministic: body is 16 bytes of HMAC; the original lives encrypted in the vault.
    case vault = "MSKV1"
    /// reversible-aead: body is AES-256-GCM-SIV nonce ‖ ciphertext ‖ tag; no state.
    case aead = "MSK1"

    public init?(_ scheme: TokenizationScheme) {
        switch scheme {
        case .vaultDeterministic: self = .vault
        case .reversibleAEAD: self = .aead
        case .synthetic: return nil
        }
    }
}

/// A token as the model sees it: `{scheme}.{KIND}.{kid}.{body}` (SPEC section 4), e.g.
/// `MSK1.PHONE.K_HEALTHCARE.AEBAGBAF…`.
///
/// Grammar, shared by minting and rehydration so the two can never disagree:
/// scheme = `MSKV1` | `MSK1`; KIND = one of the entity kinds (upper case and `_`); kid = 1–64 of
/// `[A-Za-z0-9_]` (see `KeyID`); body = base32 `[A-Z2-7]+`, no padding. Fields are separated by `.`;
/// none of them can contain one, so a token ends where the body's alphabet ends.
public struct MaskToken: Sendable, Equatable, CustomStringConvertible {
    public var scheme: TokenSchemeID
    public var kind: EntityKind
    public var kid: String
    public var body: String

    public init(scheme: TokenSchemeID, kind: EntityKind, kid: String, body: String) {
        self.scheme = scheme
        self.kind = kind
        self.kid = kid
        self.body = body
    }

    public var description: String { "\(scheme.rawValue).\(kind.rawValue).\(kid).\(body)" }

    /// The associated data that binds a reversible-aead body to its scheme, kind and kid, and to
    /// the scope it was minted in: moving a body to another kind, kid, session or account makes it
    /// fail to open. An empty scope adds nothing (tokens of one-off tools that name none).
    public func associatedData(scope: String) -> [UInt8] {
        var data = Array("\(scheme.rawValue).\(kind.rawValue).\(kid)".utf8)
        if !scope.isEmpty {
            data.append(0x1F)
            data.append(contentsOf: scope.utf8)
        }
        return data
    }

    /// Parses a whole string as one token, or nil.
    public static func parse(_ text: some StringProtocol) -> MaskToken? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let scheme = TokenSchemeID(rawValue: String(parts[0])),
              let kind = EntityKind(rawValue: String(parts[1])), KeyID.problem(with: String(parts[2])) == nil,
              !parts[3].isEmpty, parts[3].utf8.allSatisfy(isBodyByte) else { return nil }
        return MaskToken(scheme: scheme, kind: kind, kid: String(parts[2]), body: String(parts[3]))
    }

    /// Characters in an `MSKV1` body: base32 of 16 bytes, unpadded.
    public static let vaultBodyLength = 26

    @inline(__always) static func isBodyByte(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 50 && byte <= 55) // A-Z, 2-7
    }
}
