import Foundation

/// Reads an audit log from its end back, a line at a time, for pages that show the newest
/// records first (the portal's events table) without reading a large log from its start.
///
/// Written by hand: `AuditLogReader` reads forwards, and nothing in the stack reads a file's
/// lines backwards. Reads 64 KiB at a time with `pread`; a last line without its newline (an
/// append in progress, or one cut short) is skipped.
public enum AuditLogTail {
    /// Calls `visit` with each whole line ending at or before `end` (default: the file's end),
    /// newest first, with the line's start offset, until `visit` returns false or `maxLines`
    /// lines have been read. Returns the start offset of the last line read when older lines
    /// remain (the cursor for the next page), nil when the start of the log was reached.
    public static func scan(path: String, before end: UInt64? = nil, maxLines: Int,
                            _ visit: (ArraySlice<UInt8>, UInt64) -> Bool) throws -> UInt64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw AuditLogError.cannotOpen(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw AuditLogError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var position = min(UInt64(status.st_size), end ?? UInt64(status.st_size))
        // Bytes from `position` up to the end of the range still to be split into lines.
        var carry: [UInt8] = []
        var lastNewlineSeen = end != nil // a given end is the start of a line already shown
        var read = 0
        let chunk = 64 * 1024
        while true {
            let size = Int(min(UInt64(chunk), position))
            var block = [UInt8](repeating: 0, count: size)
            if size > 0 {
                let got = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, off_t(position) - off_t(size)) }
                guard got == size else { throw AuditLogError.cannotOpen(path: path, reason: "short read at \(position)") }
            }
            position -= UInt64(size)
            block += carry
            var lineEnd = block.count
            var index = block.count - 1
            while index >= 0 {
                if block[index] == 0x0A {
                    if !lastNewlineSeen {
                        // What follows the file's last newline is an append in progress: skipped.
                        lastNewlineSeen = true
                    } else if lineEnd > index + 1 {
                        read += 1
                        let start = position + UInt64(index + 1)
                        if !visit(block[(index + 1)..<lineEnd], start) || read >= maxLines {
                            return start > 0 ? start : nil
                        }
                    }
                    lineEnd = index
                }
                index -= 1
            }
            carry = Array(block[0..<lineEnd])
            if position == 0 {
                // The first line of the log has no newline before it.
                if lastNewlineSeen, !carry.isEmpty {
                    _ = visit(carry[...], 0)
                }
                return nil
            }
        }
    }
}
