import Crypto
import Foundation
import MaskerCore

/// Where the audit chain lives and everything done with it: the file beside one server
/// (`AuditLog`), or PostgreSQL, one chain for every replica that shares the database
/// (`PostgresAuditLog`). Both write the same records (canonical JSON, HMAC-chained, SPEC section 6)
/// with the same durability rule (an append returns once its records are durable, and fails
/// closed), so the server, `masker audit` and an auditor's own script treat them alike; an export
/// of either is the file format (`export`).
public protocol AuditStore: AnyObject, Sendable {
    /// Where the chain is, for messages: the file's path, or the database with no password.
    var location: String { get }
    /// Seals and opens what the server keeps for its portal (`RecordSeal`).
    var recordKey: SymmetricKey { get }
    /// The last append's outcome.
    var health: OperationHealth { get }
    /// Hands `events` (and a masked payload) over at once; the returned append's `wait()` returns
    /// once they are durable, or throws, and then none of them count.
    func submit(_ events: [AuditEvent], payload: AuditLog.Payload?) -> AuditAppend
    /// The chain checked from its first record to the last committed before the call.
    func verify(expectedRoot: String?) async throws -> AuditChainVerifier.Outcome
    /// The unsigned report of a scope (`AuditReportBuilder`), with kept payloads as samples.
    func report(scope: ReportScope, policy: Policy, now: Date) async throws -> JSONValue
    /// Drops records stamped before `cutoff` and appends a `retention_checkpoint` carrying the
    /// dropped prefix's root; refuses a chain that does not verify. Kept payloads before it go too.
    func purge(before cutoff: Date, retentionDays: Int?, scope: AuditScope?) async throws -> AuditLog.PurgeOutcome
    /// The last record's `this_hash` (genesis when there is none).
    func currentRoot() async throws -> String
    /// Each committed record's line, oldest first, then each kept payload's line: what an export
    /// writes. Returns the number of records.
    func forEachLine(records: (ArraySlice<UInt8>) throws -> Void, payloads: (ArraySlice<UInt8>) throws -> Void) async throws -> Int
    /// Newest records first, before the cursor `before` (nil: from the newest), until `visit`
    /// returns false or `maxLines` were read. Returns the cursor for the next page, or nil when
    /// the first record was reached. Cursors are the store's own (a file offset, a sequence number).
    func scanNewest(before: UInt64?, maxLines: Int, _ visit: (ArraySlice<UInt8>) -> Bool) async throws -> UInt64?
    /// For `/health`: whether appends work now, and what a person should know.
    func status() async -> (up: Bool, detail: String)
}

extension AuditStore {
    /// Appends `events` in order and returns once they are durable; throws when they could not be
    /// written, and the caller must then fail its operation and release nothing.
    public func append(_ events: [AuditEvent], payload: AuditLog.Payload? = nil) async throws(AuditLogError) {
        try await submit(events, payload: payload).wait()
    }

    /// Writes the chain (and its kept payloads, beside it as the file log keeps them) to `path` in
    /// the file format, verifiable offline by `masker audit verify` or `docs/audit.md`'s script.
    /// Refuses to overwrite a file. Returns the number of records written.
    public func export(to path: String) async throws -> (records: Int, payloads: Int) {
        let payloadPath = AuditConfiguration.payloadPath(forLog: path)
        for target in [path, payloadPath] where FileManager.default.fileExists(atPath: target) {
            throw AuditLogError.cannotOpen(path: target, reason: "it exists already; export to a new file")
        }
        let records = try ExportFile(path: path)
        var payloadFile: ExportFile?
        defer {
            records.close()
            payloadFile?.close()
        }
        var payloads = 0
        let count = try await forEachLine(records: { try records.write($0) }, payloads: { line in
            if payloadFile == nil { payloadFile = try ExportFile(path: payloadPath) }
            try payloadFile?.write(line)
            payloads += 1
        })
        try records.sync()
        try payloadFile?.sync()
        return (count, payloads)
    }
}

/// One file an export writes: created new (mode 0600, as the log itself), lines buffered and
/// synced at the end.
final class ExportFile {
    private let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AuditLogError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
    }

    func write(_ line: ArraySlice<UInt8>) throws {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func sync() throws {
        try flush()
        guard fsync(descriptor) == 0 else { throw AuditLogError.appendFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        guard FileRewrite.writeAll(descriptor, buffer[...]) else {
            throw AuditLogError.appendFailed(path: path, reason: String(cString: strerror(errno)))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() { _ = Glibc.close(descriptor) }
}
