import Crypto
import Dispatch
import Foundation
import Logging
import MaskerCore

/// The append-only, HMAC-chained audit log file (SPEC section 6; `docs/audit.md`).
///
/// Append discipline:
/// - one writer per file, by an exclusive lock held for this object's life (`AuditLogLock`);
/// - the file is opened `O_APPEND`; records are stamped (time, `evt_` id) and chained on one
///   dedicated thread, in file order, so ids and times never go backwards within a log;
/// - group commit: `append` (or `submit`) hands its events to that thread; the thread takes every
///   event waiting, writes them with one `write(2)`, makes them durable with one `fdatasync(2)`, and
///   only then releases the callers. Concurrent turns share one write and one sync, so throughput
///   grows with load while each caller still gets the full guarantee.
///
/// Durability guarantee: when `append` returns, the caller's events are in the file and
/// `fdatasync` has returned for them, so they survive a crash or power loss of the machine (on a
/// file system and disk that honour `fdatasync`). When it throws, none of them count: a failed
/// write is cut back off the file, and the caller must fail the operation (fail closed). If the
/// sync itself fails the file's state is unknown, and the log refuses every later append.
///
/// A crash in the middle of a write can leave an incomplete last line. The next writer moves those
/// bytes to `<log>.torn-<time>` (nothing is thrown away) and cuts them off, since no caller was ever
/// told they were written.
public final class AuditLog: @unchecked Sendable {
    public let path: String
    private let key: SymmetricKey
    private let mac: HMAC<SHA256>
    private let payloadKey: SymmetricKey
    /// Seals and opens what the server keeps for its portal (`RecordSeal`).
    public let recordKey: SymmetricKey
    private let lock: AuditLogLock
    private let queue = DispatchQueue(label: "masker.audit.append")
    private let logger: Logger

    // Guarded by `pendingLock`.
    private let pendingLock = NSLock()
    private var pending: [Pending] = []
    private var committing = false

    // Touched only on `queue` (and in init, before the queue is used).
    private var descriptor: Int32
    private var size: off_t
    private var previousHash: String
    private var poisonedReason: String?
    private var ids = SortableIDGenerator()
    /// Opened on the first kept payload; closed after a purge replaces the file.
    private var payloadDescriptor: Int32?
    /// The last append's outcome, for `/health`.
    public let health = OperationHealth()

    /// A masked transcript to keep, encrypted, beside the log (`audit.log_payloads`).
    public struct Payload: Sendable {
        public var masked: String
        public var sessionID: String?
        public var agentID: String?

        public init(masked: String, sessionID: String?, agentID: String?) {
            self.masked = masked
            self.sessionID = sessionID
            self.agentID = agentID
        }
    }

    private struct Pending {
        var events: [AuditEvent]
        var payload: Payload?
        var done: AuditAppend
    }

    public static let defaultLockTimeout: Duration = .seconds(10)

    public init(path: String, key: SymmetricKey, lockTimeout: Duration = AuditLog.defaultLockTimeout,
                logger: Logger = Logger(label: "masker.audit")) throws(AuditLogError) {
        self.path = path
        self.key = key
        mac = HMAC<SHA256>(key: key)
        payloadKey = PayloadLog.key(from: key)
        recordKey = RecordSeal.key(fromAuditKey: key)
        self.logger = logger
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create its directory")
            }
        }
        lock = try AuditLogLock(logPath: path, timeout: lockTimeout)
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        descriptor = fd
        do {
            (size, previousHash) = try Self.recoverTail(fd: fd, path: path, key: key, logger: logger)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        close(descriptor)
        if let payloadDescriptor { close(payloadDescriptor) }
    }

    /// The `this_hash` of the last record written (genesis for an empty log).
    public var root: String {
        queue.sync { previousHash }
    }

    /// The file's size after the last commit: reads stop there, so a group being written at the
    /// same moment does not show as a torn last line in a healthy log.
    var committedSize: UInt64 { queue.sync { UInt64(size) } }

    /// The chain key, for this module's readers of the log.
    var chainKey: SymmetricKey { key }


    /// Whether the log's own file system has room for 4 KiB more at the log's end: `fallocate`
    /// with `FALLOC_FL_KEEP_SIZE` reserves the blocks without changing a byte or the size of the
    /// log, so the chain is untouched. False where the file system cannot say (no `fallocate`,
    /// a device), which keeps a failed append reported until an append works.
    func hasRoomToAppend() -> Bool {
        guard let fallocate = Self.fallocate else { return false }
        return queue.sync { fallocate(descriptor, 1 /* FALLOC_FL_KEEP_SIZE */, size, 4096) == 0 }
    }

    /// Linux's `fallocate(2)`, looked up at run time: Swift's Glibc module leaves it out (it is
    /// declared only under `_GNU_SOURCE`).
    private static let fallocate: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "fallocate") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32).self)
    }()

    /// Why the log refuses appends after a failed `fdatasync`, or nil while it is healthy
    /// (`/health` reports it).
    public var poisoned: String? {
        queue.sync { poisonedReason }
    }

    /// Hands `events` to the log's thread at once and returns; the returned append's `wait()`
    /// returns once they are durable, as `append` does. For a caller with other work to do
    /// meanwhile (a proxied turn calls the model while its events are written).
    public func submit(_ events: [AuditEvent], payload: Payload? = nil) -> AuditAppend {
        let done = AuditAppend()
        guard !events.isEmpty || payload != nil else {
            done.finish(nil)
            return done
        }
        let start = pendingLock.withLock { () -> Bool in
            pending.append(Pending(events: events, payload: payload, done: done))
            if committing { return false }
            committing = true
            return true
        }
        if start { queue.async { self.drain() } }
        return done
    }

    private func drain() {
        var lastBatchSize = 1
        while true {
            gather(expecting: lastBatchSize)
            let batch = pendingLock.withLock { () -> [Pending] in
                let taken = pending
                pending = []
                if taken.isEmpty { committing = false }
                return taken
            }
            if batch.isEmpty { return }
            lastBatchSize = batch.count
            do {
                try commit(batch.flatMap(\.events), payloads: batch.compactMap(\.payload))
                health.succeeded(.write)
                for waiter in batch { waiter.done.finish(nil) }
            } catch {
                health.failed(.write, reason: error.description)
                for waiter in batch { waiter.done.finish(error) }
            }
        }
    }

    /// Under heavy load, callers released by one commit come back one by one; committing whatever
    /// has arrived at once would split them into many small groups, each paying a sync. So when the
    /// last group held at least `gatherThreshold` callers, wait up to `gatherWindow` for as many to
    /// be waiting again. Smaller groups never wait: at a proxy's usual load two turns often share a
    /// sync by chance, and waiting then for a second pair cost those turns up to the whole window
    /// (docs/performance.md).
    private func gather(expecting count: Int) {
        guard count >= Self.gatherThreshold else { return }
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.gatherWindowNanoseconds
        while pendingLock.withLock({ pending.count }) < count, DispatchTime.now().uptimeNanoseconds < deadline {
            usleep(20)
        }
    }

    static let gatherWindowNanoseconds: UInt64 = 500_000
    static let gatherThreshold = 4

    /// Runs on `queue`.
    private func commit(_ events: [AuditEvent], payloads: [Payload]) throws(AuditLogError) {
        if let poisonedReason { throw .poisoned(path: path, reason: poisonedReason) }
        let now = Date()
        let timestamp = UTCTimestamp.format(now)
        if !payloads.isEmpty { try writePayloads(payloads, timestamp: timestamp) }
        var hash = previousHash
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 480)
        for event in events {
            let sealed = AuditChain.seal(event, timestamp: timestamp, eventID: ids.next(prefix: "evt", now: now),
                                         previousHash: hash, mac: mac)
            bytes.append(contentsOf: sealed.bytes)
            bytes.append(0x0A)
            hash = sealed.hash
        }
        try write(bytes)
        if fdatasync(descriptor) != 0 {
            let reason = "fdatasync: " + String(cString: strerror(errno))
            poisonedReason = reason
            throw .appendFailed(path: path, reason: reason)
        }
        size += off_t(bytes.count)
        previousHash = hash
    }

    /// All of `bytes` or nothing: after a failed write (disk full) whatever part did land is cut back
    /// off the file, so the log never keeps half a record that no caller was told about.
    private func write(_ bytes: [UInt8]) throws(AuditLogError) {
        var written = 0
        guard !FileRewrite.writeAll(descriptor, bytes[...], written: &written) else { return }
        let failure = String(cString: strerror(errno))
        if written > 0, ftruncate(descriptor, size) != 0 {
            poisonedReason = failure + "; and the partial record could not be removed"
        }
        throw .appendFailed(path: path, reason: failure)
    }

    /// Payloads are written and synced before the events that describe their turn, so an event
    /// never refers to a payload that a crash lost.
    private func writePayloads(_ payloads: [Payload], timestamp: String) throws(AuditLogError) {
        let payloadPath = AuditConfiguration.payloadPath(forLog: path)
        let fd: Int32
        if let payloadDescriptor {
            fd = payloadDescriptor
        } else {
            fd = open(payloadPath, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .appendFailed(path: payloadPath, reason: String(cString: strerror(errno))) }
            payloadDescriptor = fd
        }
        var bytes: [UInt8] = []
        for payload in payloads {
            guard let line = try? PayloadLog.line(masked: payload.masked, timestamp: timestamp, sessionID: payload.sessionID,
                                                  agentID: payload.agentID, key: payloadKey) else {
                throw .appendFailed(path: payloadPath, reason: "cannot encrypt a payload")
            }
            bytes += Array(line.utf8) + [0x0A]
        }
        guard FileRewrite.writeAll(fd, bytes[...]), fdatasync(fd) == 0 else {
            throw .appendFailed(path: payloadPath, reason: String(cString: strerror(errno)))
        }
    }

    // MARK: Opening

    /// Finds the chain's current end, after setting aside a torn last line, and checks that the
    /// last record verifies under `key`: appending under a different key would silently start a
    /// chain no one can verify.
    static func recoverTail(fd: Int32, path: String, key: SymmetricKey, logger: Logger) throws(AuditLogError) -> (off_t, String) {
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .unreadableTail(path: path, reason: String(cString: strerror(errno))) }
        var size = status.st_size
        guard size > 0 else { return (0, AuditChain.genesis) }
        var tail = try readTail(fd: fd, size: size, path: path)
        if tail.bytes.last != 0x0A {
            let lineStart = tail.bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let torn = Array(tail.bytes[lineStart...])
            let keepSize = tail.offset + off_t(lineStart)
            let aside = path + ".torn-" + UTCTimestamp.format(Date()).replacingOccurrences(of: ":", with: "")
            guard FileManager.default.createFile(atPath: aside, contents: Data(torn), attributes: [.posixPermissions: 0o600]),
                  ftruncate(fd, keepSize) == 0 else {
                throw .unreadableTail(path: path, reason: "it ends in an incomplete record that could not be set aside to \(aside)")
            }
            logger.warning("audit log ended in an incomplete record (\(torn.count) bytes, from a write cut short); moved it to \(aside) and continued from the last complete record")
            size = keepSize
            guard size > 0 else { return (0, AuditChain.genesis) }
            tail = try readTail(fd: fd, size: size, path: path)
        }
        let body = tail.bytes.dropLast()
        let lineStart = body.lastIndex(of: 0x0A).map { $0 + 1 } ?? body.startIndex
        guard lineStart > body.startIndex || tail.offset == 0 else {
            throw .unreadableTail(path: path, reason: "its last line is longer than \(tailWindow) bytes, which no record is")
        }
        var verifier = AuditChainVerifier(key: key)
        guard verifier.check(line: body[lineStart...], number: 1, terminated: true) else { throw .tailDoesNotVerify(path: path) }
        return (size, verifier.previousHash)
    }

    static let tailWindow = 1 << 16

    private static func readTail(fd: Int32, size: off_t, path: String) throws(AuditLogError) -> (bytes: [UInt8], offset: off_t) {
        let offset = max(0, size - off_t(tailWindow))
        var bytes = [UInt8](repeating: 0, count: Int(size - offset))
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
        guard count == bytes.count else { throw .unreadableTail(path: path, reason: count < 0 ? String(cString: strerror(errno)) : "short read") }
        return (bytes, offset)
    }

    // MARK: Retention

    public struct PurgeOutcome: Sendable, Equatable {
        public var droppedRecords: Int
        public var keptRecords: Int
        /// The `this_hash` of the last dropped record: the root of the dropped prefix.
        public var droppedRoot: String?
        public var droppedPayloads: Int
    }

    /// Drops the records stamped before `cutoff` from the start of the log and appends a
    /// `retention_checkpoint` that carries the dropped prefix's root, so what remains still verifies
    /// from its first record. Refuses to touch a log whose chain does not verify. The new file is
    /// written beside the old one and renamed over it, so a crash leaves one or the other whole.
    /// Encrypted payloads older than `cutoff` go too.
    public func purge(before cutoff: Date, retentionDays: Int?, scope: AuditScope?) async throws -> PurgeOutcome {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<PurgeOutcome, any Error>) in
            queue.async {
                done.resume(with: Result { try self.purgeOnQueue(before: cutoff, retentionDays: retentionDays, scope: scope) })
            }
        }
    }

    private func purgeOnQueue(before cutoff: Date, retentionDays: Int?, scope: AuditScope?) throws -> PurgeOutcome {
        if let poisonedReason { throw AuditLogError.poisoned(path: path, reason: poisonedReason) }
        let cutoffText = UTCTimestamp.format(cutoff)
        var reader = try AuditLogReader(path: path)
        defer { reader.close() }
        var verifier = AuditChainVerifier(key: key)
        var dropped = 0, total = 0
        var droppedRoot: String?
        var keepFrom: UInt64?
        while let (bytes, terminated) = try reader.next() {
            guard verifier.check(line: bytes, number: reader.lineNumber, terminated: terminated) else { break }
            total += 1
            guard keepFrom == nil else { continue }
            // Records are stamped in file order, so the old ones are a prefix: stop at the first
            // that is recent enough (text comparison works on the fixed-width timestamps).
            if let ts = verifier.lastRecord["ts"]?.stringValue, ts < cutoffText {
                dropped += 1
                droppedRoot = verifier.previousHash
            } else {
                keepFrom = reader.lineOffset
            }
        }
        let outcome = verifier.finish()
        if let failure = outcome.firstBreak {
            throw AuditLogError.brokenChain(path: path, line: failure.line, reason: failure.reason)
        }
        let payloads = try PayloadLog.purge(path: AuditConfiguration.payloadPath(forLog: path), before: cutoffText)
        if payloads > 0, let payloadDescriptor {
            close(payloadDescriptor)
            self.payloadDescriptor = nil
        }
        guard dropped > 0, let droppedRoot else {
            return PurgeOutcome(droppedRecords: 0, keptRecords: total, droppedRoot: nil, droppedPayloads: payloads)
        }
        var detail: [(String, JSONValue)] = [
            ("dropped_records", .int(dropped)), ("dropped_root", .string(droppedRoot)), ("dropped_before", .string(cutoffText)),
        ]
        if let retentionDays { detail.append(("retention_days", .int(retentionDays))) }
        let checkpoint = AuditEvent(kind: .retentionCheckpoint, sessionID: scope?.sessionID, agentID: scope?.agentID,
                                    kid: nil, policyName: scope?.policyName, policyVersion: scope?.policyVersion, detail: detail)
        let now = Date()
        let sealed = AuditChain.seal(checkpoint, timestamp: UTCTimestamp.format(now), eventID: ids.next(prefix: "evt", now: now),
                                     previousHash: outcome.root, key: key)
        let (newDescriptor, newSize) = try FileRewrite.replace(path: path, keepingFrom: keepFrom.map { off_t($0) } ?? size,
                                                                of: descriptor, appending: Array((sealed.line + "\n").utf8))
        close(descriptor)
        descriptor = newDescriptor
        size = newSize
        previousHash = sealed.hash
        return PurgeOutcome(droppedRecords: dropped, keptRecords: total - dropped + 1, droppedRoot: droppedRoot, droppedPayloads: payloads)
    }
}
