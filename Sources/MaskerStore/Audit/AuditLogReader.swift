import Crypto
import Foundation
import MaskerCore

/// Reads an audit log line by line in fixed-size chunks, so verifying or reporting on a log of any
/// size takes constant memory. Each line comes with whether a newline ended it: a last line
/// without one is a write that was cut short.
public struct AuditLogReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    public private(set) var lineNumber = 0
    /// Byte offset of the start of the line returned last.
    public private(set) var lineOffset: UInt64 = 0
    private var consumed: UInt64 = 0

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            throw AuditLogError.cannotOpen(path: path, reason: reason)
        }
        self.handle = handle
    }

    /// Walks a whole log through the chain check (`masker audit verify`, `/api/v1/audit/verify`),
    /// stopping at the first break. Throws `AuditLogError.cannotOpen` when there is no readable log.
    /// With `upTo`, only lines that end (newline included) within that many bytes are checked:
    /// what a live writer had committed when the check began.
    public static func verify(path: String, key: SymmetricKey, expectedRoot: String? = nil,
                              upTo limit: UInt64? = nil) throws -> AuditChainVerifier.Outcome {
        var reader = try AuditLogReader(path: path)
        defer { reader.close() }
        var verifier = AuditChainVerifier(key: key, expectedRoot: expectedRoot)
        while let (bytes, terminated) = try reader.next(upTo: limit) {
            if !verifier.check(line: bytes, number: reader.lineNumber, terminated: terminated) { break }
        }
        return verifier.finish()
    }

    /// The next line that ends (newline included) within `limit` bytes, if a limit is given: what a
    /// live writer had committed when the reading began. Nil past it, as at the end.
    public mutating func next(upTo limit: UInt64?) throws -> (bytes: ArraySlice<UInt8>, terminated: Bool)? {
        guard let line = try next() else { return nil }
        if let limit, lineOffset + UInt64(line.bytes.count) + 1 > limit { return nil }
        return line
    }

    public mutating func next() throws -> (bytes: ArraySlice<UInt8>, terminated: Bool)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                lineOffset = consumed + UInt64(start)
                start = newline + 1
                lineNumber += 1
                return (line, true)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                lineOffset = consumed + UInt64(start)
                start = buffer.count
                lineNumber += 1
                return (line, false)
            }
            consumed += UInt64(start)
            buffer.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    public func close() {
        try? handle.close()
    }
}
