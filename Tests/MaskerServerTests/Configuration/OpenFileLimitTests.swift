#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import MaskerServer

struct OpenFileLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardLimit() throws {
        var limit = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        // Start from a soft limit below the hard one, as most Linux processes do; only just below,
        // since the other tests of this process run at the same time and open files too.
        if limit.rlim_max > 1024 {
            var lowered = limit
            lowered.rlim_cur = limit.rlim_max - 1
            try #require(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered) == 0)
        }
        let inForce = OpenFileLimit.raiseToHardLimit()
        var after = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &after) == 0)
        #expect(after.rlim_cur == limit.rlim_max)
        #expect(inForce == UInt64(after.rlim_cur))
    }
}
