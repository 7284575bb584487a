import Crypto
import Foundation
import MaskerCore

/// Masked transcripts kept for session views and report samples when a policy sets
/// `audit.log_payloads: true`. One JSON line per turn beside the audit log, never inside it:
/// `{"ts","session_id","agent_id","sealed"}`, where `sealed` is base64 of AES-256-GCM
/// (nonce ‖ ciphertext ‖ tag) of the masked text under a key derived from the audit HMAC key,
/// with the line's other fields as associated data, so a payload cannot be moved to another
/// session or time. Masked text should hold no PHI, but a missed detection would leave some in it;
/// hence encrypted, and hence not in the log an auditor is handed.
public enum PayloadLog {
    static func key(from auditKey: SymmetricKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: auditKey, info: Array("masker audit payloads v1".utf8), outputByteCount: 32)
    }

    static func line(masked: String, timestamp: String, sessionID: String?, agentID: String?, key: SymmetricKey) throws -> String {
        let header = fields(timestamp: timestamp, sessionID: sessionID, agentID: agentID)
        let sealed = try AES.GCM.seal(Array(masked.utf8), using: key, authenticating: JSONValue.object(header).canonicalBytes)
        guard let combined = sealed.combined else { throw AuditLogError.appendFailed(path: "payloads", reason: "cannot seal a payload") }
        return JSONValue.object(header + [("sealed", .string(combined.base64EncodedString()))]).canonical
    }

    private static func fields(timestamp: String, sessionID: String?, agentID: String?) -> [(String, JSONValue)] {
        [("ts", .string(timestamp)), ("session_id", sessionID.map(JSONValue.string) ?? .null),
         ("agent_id", agentID.map(JSONValue.string) ?? .null)]
    }

    public struct Payload: Sendable, Equatable {
        public var timestamp: String
        public var sessionID: String?
        public var agentID: String?
        public var masked: String
    }

    /// Reads and decrypts every payload that `include` accepts (by time, session, agent), up to
    /// `limit`. A line that does not open under the key is skipped and counted, never shown.
    public static func read(path: String, auditKey: SymmetricKey, limit: Int,
                            include: @escaping (String, String?, String?) -> Bool) throws -> (payloads: [Payload], unreadable: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        var reader = try AuditLogReader(path: path)
        defer { reader.close() }
        var selection = Selection(auditKey: auditKey, limit: limit, include: include)
        while !selection.isFull, let (bytes, _) = try reader.next() { selection.add(bytes) }
        return (selection.payloads, selection.unreadable)
    }

    /// Payload lines opened and picked one by one, wherever they are kept (the file beside the
    /// log, or PostgreSQL's `audit_payload` table).
    struct Selection {
        let key: SymmetricKey
        let limit: Int
        let include: (String, String?, String?) -> Bool
        private(set) var payloads: [Payload] = []
        /// Lines that do not open under the key: counted, never shown.
        private(set) var unreadable = 0

        init(auditKey: SymmetricKey, limit: Int, include: @escaping (String, String?, String?) -> Bool) {
            key = PayloadLog.key(from: auditKey)
            self.limit = limit
            self.include = include
        }

        var isFull: Bool { payloads.count >= limit }

        mutating func add(_ bytes: ArraySlice<UInt8>) {
            guard !isFull else { return }
            let record = (try? JSONParser.parse(Array(bytes))) ?? .null
            guard let ts = record["ts"]?.stringValue, let sealed = record["sealed"]?.stringValue else { unreadable += 1; return }
            let session = record["session_id"]?.stringValue, agent = record["agent_id"]?.stringValue
            guard include(ts, session, agent) else { return }
            let header = fields(timestamp: ts, sessionID: session, agentID: agent)
            guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
                  let plain = try? AES.GCM.open(box, using: key, authenticating: JSONValue.object(header).canonicalBytes) else {
                unreadable += 1
                return
            }
            payloads.append(Payload(timestamp: ts, sessionID: session, agentID: agent, masked: String(decoding: plain, as: UTF8.self)))
        }
    }

    /// Drops the payloads stamped before `cutoff` (a prefix: they are written in time order).
    static func purge(path: String, before cutoff: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        var reader = try AuditLogReader(path: path)
        defer { reader.close() }
        var dropped = 0
        var keepFrom: UInt64?
        while let (bytes, _) = try reader.next() {
            guard let ts = ((try? JSONParser.parse(Array(bytes))) ?? .null)["ts"]?.stringValue, ts < cutoff else {
                keepFrom = reader.lineOffset
                break
            }
            dropped += 1
        }
        guard dropped > 0 else { return 0 }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AuditLogError.cannotRewrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        fstat(fd, &status)
        let (appender, _) = try FileRewrite.replace(path: path, keepingFrom: keepFrom.map { off_t($0) } ?? status.st_size, of: fd, appending: [])
        close(appender)
        return dropped
    }
}
