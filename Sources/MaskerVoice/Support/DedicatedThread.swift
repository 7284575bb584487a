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
}
