#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every caller's connection and every upstream connection is a file descriptor, and Linux starts
/// most processes with a soft limit of 1,024 of them: a proxy with a few hundred calls in flight
/// would then fail to accept connections (EMFILE) long before it ran out of anything real. The
/// soft limit may be raised up to the hard one without privileges, so `masker serve` does that at
/// start, as the Go runtime does for every program.
enum OpenFileLimit {
    /// Raises the soft limit to the hard limit; returns the limit in force afterwards (nil when it
    /// cannot be read).
    @discardableResult
    static func raiseToHardLimit() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(resourceNumber, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resourceNumber, &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static let resourceNumber = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceNumber = RLIMIT_NOFILE
    #endif
}
