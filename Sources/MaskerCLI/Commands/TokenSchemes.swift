import Foundation
import MaskerCore
import MaskerStore

/// Builds the token schemes a command needs from the policy, the key ring and the vault, with the
/// failures mapped to the documented exit codes: a missing or malformed key is an invalid policy
/// for this environment (3, `unknown_kid` / `invalid_key`), an unusable vault an error (1).
final class TokenSchemes {
    let keyRing: KeyRing
    let context: CommandContext
    /// Opened on first use and kept: a batch mints for many records, and each open is a new
    /// connection pool and migration check.
    private var openedVault: (any VaultStore)?
    /// Synthetic mode's sessions, made on first use: each scope keeps its surrogates for the run.
    private var syntheticSessions: SyntheticSessions?

    init(policy: Policy, context: CommandContext) throws {
        self.context = context
        let (ring, errors) = try context.keyRingLoader.load(requiredKids: [policy.kid], generateMissing: true, logger: context.logger)
        let issues = PolicyKeyCheck.issues(for: policy, kidLocation: .start, keyRing: ring, keyErrors: errors, devMode: context.devMode)
        if !issues.errors.isEmpty {
            throw PolicyInvalid(source: context.policyPath ?? "built-in healthcare-default", issues: issues)
        }
        keyRing = ring
    }

    func vault() async throws(CLIFailure) -> any VaultStore {
        if let openedVault { return openedVault }
        let timeouts = try context.storeTimeouts
        do {
            let location = try VaultLocation.from(environment: context.environment, dataDirectory: context.dataDirectory)
            let store = try await location.open(timeouts: timeouts, logger: context.logger)
            openedVault = store
            return store
        } catch {
            throw CLIFailure(.error, "\(error.description); \(Self.vaultHint)")
        }
    }

    static let vaultHint = "set MASKER_DATABASE_URL to a reachable postgres:// URL, or unset it and set MASKER_VAULT_PATH or MASKER_DATA_DIR to a writable location"

    /// Runs `body`, then closes the vault's connections (if one was opened) however it ended.
    func closing<T>(_ body: () async throws -> T) async throws -> T {
        try await runThenClose(body, close: { await openedVault?.close() })
    }

    /// The masker for one scope of `masker mask`: tokens from the scheme, or synthetic surrogates.
    func masker(_ scheme: TokenizationScheme, policy: Policy, scope: String) async throws(CLIFailure) -> Masker {
        switch scheme {
        case .reversibleAEAD: return Masker(policy: policy, scheme: ReversibleAEADScheme(kid: policy.kid, keyRing: keyRing, scope: scope))
        case .vaultDeterministic:
            return Masker(policy: policy, scheme: VaultDeterministicScheme(kid: policy.kid, keyRing: keyRing, store: try await vault(), scope: scope))
        case .synthetic:
            if syntheticSessions == nil {
                do {
                    syntheticSessions = SyntheticSessions(tables: try SyntheticSessions.loadTables())
                } catch {
                    throw CLIFailure(.error, error.description)
                }
            }
            return Masker(policy: policy, synthetic: syntheticSessions!.session(scope, policy: policy))
        }
    }

    /// Every reversible scheme, for rehydration of one scope's tokens: a token is restored by the
    /// scheme its prefix names, and only in the scope it was minted in.
    func restoring(kid: String, scope: String) async throws(CLIFailure) -> Rehydrator {
        Rehydrator(kid: kid, keyRing: keyRing, vault: try await vault(), scope: scope)
    }
}
