import Crypto
import Foundation
import MaskerCore

/// Where the audit log lives and the keys it is sealed and signed with.
///
/// - `MASKER_AUDIT_LOG_PATH`, else `<data dir>/audit.jsonl`.
/// - `MASKER_AUDIT_HMAC_KEY` (base64 of 32 bytes) chains the records; required outside dev mode,
///   generated once into `<data dir>/keys/audit-hmac.key` in dev mode. Payloads kept for reports
///   are encrypted under a key derived from it (HKDF, its own label), so one secret guards the
///   audit subsystem.
/// - `MASKER_REPORT_SIGNING_KEY` (base64 of a 32-byte Ed25519 private key) signs reports; likewise
///   generated into `keys/report-signing.key` in dev mode.
///
/// The dev key files use names a policy kid cannot have (kids allow no `-`), so they never collide.
public struct AuditConfiguration: Sendable {
    public var logPath: String
    public var environment: [String: String]
    public var dataDirectory: DataDirectory

    public static let hmacKeyVariable = "MASKER_AUDIT_HMAC_KEY"
    public static let signingKeyVariable = "MASKER_REPORT_SIGNING_KEY"

    public init(environment: [String: String], dataDirectory: DataDirectory) {
        self.environment = environment
        self.dataDirectory = dataDirectory
        if let path = environment["MASKER_AUDIT_LOG_PATH"], !path.isEmpty {
            logPath = DataDirectory.expandTilde(path, environment: environment)
        } else {
            logPath = dataDirectory.url.appendingPathComponent("audit.jsonl").path
        }
    }

    /// Encrypted masked payloads sit beside the log, never in it: the log must stay free of
    /// anything a missed detection could leave in a transcript.
    public var payloadPath: String { Self.payloadPath(forLog: logPath) }

    public static func payloadPath(forLog path: String) -> String {
        (path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path) + ".payloads.jsonl"
    }

    /// - Parameter generate: in dev mode, create the key if there is none. Readers (verify,
    ///   report) pass false: a new key could only call an existing log broken.
    public func hmacKey(generate: Bool = true) throws -> (key: SymmetricKey, generated: Bool) {
        try key(variable: Self.hmacKeyVariable, devName: "audit-hmac", generate: generate)
    }

    public func signingKey() throws -> (key: Curve25519.Signing.PrivateKey, generated: Bool) {
        let (key, generated) = try self.key(variable: Self.signingKeyVariable, devName: "report-signing", generate: true)
        do {
            return (try key.withUnsafeBytes { try Curve25519.Signing.PrivateKey(rawRepresentation: Data($0)) }, generated)
        } catch {
            throw AuditLogError.invalidKey(reason: "\(Self.signingKeyVariable) is not an Ed25519 private key")
        }
    }

    private func key(variable: String, devName: String, generate: Bool) throws -> (key: SymmetricKey, generated: Bool) {
        if let text = environment[variable], !text.isEmpty {
            switch KeyRing.decode(text, variable: variable) {
            case let .success(key): return (key, false)
            case let .failure(error): throw AuditLogError.invalidKey(reason: error.description)
            }
        }
        guard KeyRingLoader.isDevMode(environment) else {
            if variable == Self.hmacKeyVariable { throw AuditLogError.missingKey }
            throw AuditLogError.invalidKey(reason: "\(variable) is not set; set it to base64 of 32 random bytes (e.g. `openssl rand -base64 32`), or run with MASKER_DEV=1 to use a generated development key")
        }
        let store = DevKeyStore(dataDirectory: dataDirectory)
        if !generate {
            guard let key = try store.existingKey(for: devName) else { throw AuditLogError.missingKey }
            return (key, false)
        }
        let (key, created) = try store.loadOrCreate(kid: devName)
        return (key, created)
    }
}
