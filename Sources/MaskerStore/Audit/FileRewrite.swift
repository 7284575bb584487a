import Foundation

/// Replaces an append-only file by a copy of its tail plus new bytes, crash-safely: the copy is
/// written beside the original, synced, and renamed over it, then the directory is synced, so after
/// a crash the path holds either the old file or the new one, whole.
enum FileRewrite {
    /// Returns a descriptor opened for appending on the new file, and its size.
    static func replace(path: String, keepingFrom offset: off_t, of source: Int32, appending extra: [UInt8]) throws(AuditLogError) -> (Int32, off_t) {
        let temporary = path + ".rewrite"
        let fd = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotRewrite(path: path, reason: String(cString: strerror(errno))) }
        func fail(_ reason: String) -> AuditLogError {
            close(fd)
            unlink(temporary)
            return .cannotRewrite(path: path, reason: reason)
        }
        var status = stat()
        guard fstat(source, &status) == 0 else { throw fail(String(cString: strerror(errno))) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var position = offset
        while position < status.st_size {
            let count = buffer.withUnsafeMutableBytes { pread(source, $0.baseAddress, $0.count, position) }
            guard count > 0 else { throw fail(count < 0 ? String(cString: strerror(errno)) : "unexpected end of file") }
            guard writeAll(fd, buffer[..<count]) else { throw fail(String(cString: strerror(errno))) }
            position += off_t(count)
        }
        guard writeAll(fd, extra[...]), fsync(fd) == 0 else { throw fail(String(cString: strerror(errno))) }
        guard rename(temporary, path) == 0 else { throw fail(String(cString: strerror(errno))) }
        syncDirectory(of: path)
        close(fd)
        let appender = open(path, O_RDWR | O_APPEND | O_CLOEXEC, 0o600)
        guard appender >= 0 else { throw .cannotRewrite(path: path, reason: "reopening: " + String(cString: strerror(errno))) }
        return (appender, status.st_size - offset + off_t(extra.count))
    }

    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var written = 0
        return writeAll(fd, bytes, written: &written)
    }

    /// Writes all of `bytes`, retrying short writes and EINTR. On failure (errno set) `written`
    /// says how much did land.
    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, written: inout Int) -> Bool {
        written = 0
        var done = 0
        let complete = bytes.withUnsafeBytes { buffer in
            while done < buffer.count {
                let result = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += result
            }
            return true
        }
        written = done
        return complete
    }

    /// A rename is durable only once the directory entry is synced.
    static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
