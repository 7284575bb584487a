import Foundation

/// Runs CPU-heavy audio work (decoding, resampling, MFCCs) on a thread of its own, never on
/// Swift's cooperative pool: a server shares that pool between all its requests, and a minute of
/// audio is seconds of CPU (an in-process decode on the pool once starved a health check's timer).
public enum DedicatedThread {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    /// `run` for work that fails with a typed error, which is thrown here as it was there.
    public static func run<T: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> T) async throws(Failure) -> T {
        try await run { () -> Result<T, Failure> in
            do throws(Failure) { return .success(try body()) } catch { return .failure(error) }
        }.get()
    }
}
