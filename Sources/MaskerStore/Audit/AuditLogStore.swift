import Foundation
import MaskerCore

/// The file log as an `AuditStore`: every read stops at the last commit made before it began,
/// so a group being written at the same moment never shows as a torn last line.
extension AuditLog: AuditStore {
    public var location: String { path }

    public func verify(expectedRoot: String?) async throws -> AuditChainVerifier.Outcome {
        try AuditLogReader.verify(path: path, key: chainKey, expectedRoot: expectedRoot, upTo: committedSize)
    }

    public func report(scope: ReportScope, policy: Policy, now: Date) async throws -> JSONValue {
        try AuditReport.make(logPath: path, key: chainKey, scope: scope, policy: policy, now: now, upTo: committedSize)
    }

    public func currentRoot() async throws -> String { root }

    public func forEachLine(records: (ArraySlice<UInt8>) throws -> Void, payloads: (ArraySlice<UInt8>) throws -> Void) async throws -> Int {
        let limit = committedSize
        var count = 0
        if FileManager.default.fileExists(atPath: path) {
            var reader = try AuditLogReader(path: path)
            defer { reader.close() }
            while let (bytes, _) = try reader.next(upTo: limit) {
                try records(bytes)
                count += 1
            }
        }
        let payloadPath = AuditConfiguration.payloadPath(forLog: path)
        if FileManager.default.fileExists(atPath: payloadPath) {
            var reader = try AuditLogReader(path: payloadPath)
            defer { reader.close() }
            while let (bytes, terminated) = try reader.next() {
                if terminated { try payloads(bytes) } // a last line cut short was never a kept payload
            }
        }
        return count
    }

    public func scanNewest(before: UInt64?, maxLines: Int, _ visit: (ArraySlice<UInt8>) -> Bool) async throws -> UInt64? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try AuditLogTail.scan(path: path, before: before, maxLines: maxLines) { line, _ in visit(line) }
    }

    /// Down when the log is poisoned (a failed sync: restart needed), or its last append failed
    /// and the disk still refuses a write (`probeAfterFailure`), or its directory is not writable.
    public func status() async -> (up: Bool, detail: String) {
        if let poisoned { return (false, "a write could not be made durable (\(poisoned)); fix the disk and restart") }
        if let failure = probeAfterFailure() {
            return (false, "the last append failed at \(UTCTimestamp.format(failure.at)) and the disk still refuses writes: \(failure.reason)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        guard FileManager.default.isWritableFile(atPath: directory) else { return (false, "\(directory) is not writable") }
        return (true, "appending")
    }
}
