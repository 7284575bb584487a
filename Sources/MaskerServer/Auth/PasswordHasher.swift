import Crypto
import CryptoExtras
import Foundation
import MaskerCore
import MaskerStore
import NIOPosix

/// Passwords as scrypt hashes (memory-hard, so a stolen database is slow to attack on GPUs):
/// `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`. The parameters travel with the hash so
/// they can be raised later without breaking existing users.
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's N; 15, r 8, p 3 is one of OWASP's recommended settings (32 MiB, ~0.1 s).
    public var logRounds: Int
    public var blockSize: Int
    public var parallelism: Int

    public static let standard = PasswordHasher(logRounds: 15, blockSize: 8, parallelism: 3)

    public init(logRounds: Int, blockSize: Int, parallelism: Int) {
        self.logRounds = logRounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Passwords shorter than this are refused when a user is created or changes password.
    public static let minimumLength = 12

    public func hash(_ password: String) throws -> String {
        let salt = ServerSecrets.randomBytes(16)
        let derived = try Self.derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(logRounds)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$\(derived.base64EncodedString())"
    }

    /// Whether `password` matches `stored`; false for a malformed hash, never a throw.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let logRounds = Int(parts[1]), let blockSize = Int(parts[2]),
              let parallelism = Int(parts[3]), (10...20).contains(logRounds), (1...32).contains(blockSize), (1...16).contains(parallelism),
              let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])), expected.count == 32,
              let derived = try? derive(password, salt: Array(salt), logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return ConstantTime.equal(Array(derived), Array(expected))
    }

    /// `standard.hash` off the async executor, for the same reason as `verifyOffloaded`.
    public static func hashOffloaded(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try standard.hash(password) }
    }

    /// `verify` off the async executor: scrypt holds a core for about 0.1 s, which would stall
    /// every request sharing that executor thread.
    public static func verifyOffloaded(_ password: String, against stored: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { verify(password, against: stored) }) ?? false
    }

    private static func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds,
                                           blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }
}
