import Crypto
import Foundation
import MaskerCore

/// Makes the unsigned audit report of a scope from a log on disk: the log read (and its chain
/// verified) from start to end, and up to `AuditReportBuilder.maxSamples` kept payloads of the
/// scope as samples. `masker report` and the portal's reports both make theirs here.
public enum AuditReport {
    /// `policy` is the one in force (the report shows it, and its `audit.log_payloads` says why
    /// there are no samples when there are none).
    /// With `upTo`, only lines that end within that many bytes are read (what a live writer had
    /// committed when the report began).
    public static func make(logPath: String, key: SymmetricKey, scope: ReportScope, policy: Policy, now: Date,
                            upTo limit: UInt64? = nil) throws -> JSONValue {
        var builder = AuditReportBuilder(scope: scope, key: key)
        var reader = try AuditLogReader(path: logPath)
        while let (bytes, terminated) = try reader.next(upTo: limit) {
            builder.add(line: bytes, number: reader.lineNumber, terminated: terminated)
        }
        reader.close()
        let (payloads, unreadable) = try PayloadLog.read(path: AuditConfiguration.payloadPath(forLog: logPath), auditKey: key,
                                                         limit: AuditReportBuilder.maxSamples) {
            scope.includes(timestamp: $0, sessionID: $1, agentID: $2)
        }
        return finish(builder, location: logPath, policy: policy, now: now, payloads: payloads, unreadable: unreadable)
    }

    /// The report from a builder fed every record, with the kept payloads in scope as samples.
    static func finish(_ builder: AuditReportBuilder, location: String, policy: Policy, now: Date,
                       payloads: [PayloadLog.Payload], unreadable: Int) -> JSONValue {
        var note: String?
        let samples = payloads.map { ($0.timestamp, $0.sessionID, $0.masked) }
        if samples.isEmpty {
            note = policy.audit.logPayloads ? "No masked payloads were kept in this scope."
                : "No samples: the policy does not keep payloads (audit.log_payloads: false)."
        }
        if unreadable > 0 { note = (note.map { $0 + " " } ?? "") + "\(unreadable) kept payloads did not open under the audit key and are not shown." }
        return builder.report(logPath: location, policy: policy, generatedAt: now, samples: samples, samplesNote: note)
    }
}
