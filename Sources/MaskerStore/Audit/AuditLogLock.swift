import Foundation

/// One writer per audit log: an exclusive `flock` on `<log>.lock`, held for the writer's life.
/// The lock sits on a side file, not the log, because retention replaces the log file by rename
/// and a lock on the old inode would stop protecting anything. The holder writes its pid into the
/// lock file so a waiting process can say who holds it.
///
/// A second process waits up to `timeout` (a `masker mask` started while another finishes) and then
/// fails with an error naming the holder. The kernel drops the lock when the process dies, so a
/// crash never leaves a stale lock behind.
final class AuditLogLock: @unchecked Sendable {
    private let descriptor: Int32
    let path: String

    init(logPath: String, timeout: Duration) throws(AuditLogError) {
        path = logPath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw .cannotOpen(path: path, reason: reason)
            }
            if ContinuousClock.now >= deadline {
                let holder = Self.holder(fd)
                close(fd)
                throw .locked(path: logPath, holder: holder)
            }
            usleep(10_000)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = fd
    }

    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? "unknown pid" : "pid \(text)"
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
