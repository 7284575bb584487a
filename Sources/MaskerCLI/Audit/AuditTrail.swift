import Foundation
import MaskerCore
import MaskerStore

/// The audit log as a command uses it: opened when the policy says `audit.log_events: true`, with
/// the failures mapped to exit code 1 and messages that say what to set. Commands append an
/// operation's events *before* releasing its output, so a failed append stops the output
/// (fail closed).
struct AuditTrail {
    let log: (any AuditStore)?
    var scope: AuditScope
    let keepPayloads: Bool

    init(context: CommandContext, policy: Policy, sessionID: String?, agentID: String? = nil) async throws(CLIFailure) {
        scope = AuditScope(sessionID: sessionID, agentID: agentID, policy: policy)
        keepPayloads = policy.audit.logEvents && policy.audit.logPayloads
        guard policy.audit.logEvents else {
            log = nil
            return
        }
        log = try await Self.open(context)
    }

    /// The configured chain (`AuditStoreLocation`: the file, or PostgreSQL), opened for appending.
    static func open(_ context: CommandContext) async throws(CLIFailure) -> any AuditStore {
        let configuration = context.auditConfiguration
        do {
            let (key, generated) = try configuration.hmacKey()
            if generated {
                context.logger.warning("MASKER_DEV: generated a development audit key at \(DevKeyStore(dataDirectory: context.dataDirectory).path(for: "audit-hmac").path); set MASKER_AUDIT_HMAC_KEY in production")
            }
            let location = try AuditStoreLocation.from(environment: context.environment, configuration: configuration)
            return try await location.open(key: key, timeouts: try context.storeTimeouts, logger: context.logger)
        } catch let error as CLIFailure {
            throw error
        } catch let error as AuditLogError {
            throw CLIFailure(.error, error.description)
        } catch {
            throw CLIFailure(.error, "\(error)")
        }
    }

    /// The same trail for a batch record that names its own session (nil keeps the run's).
    func session(_ id: String?) -> AuditTrail {
        var trail = self
        if let id { trail.scope.sessionID = id }
        return trail
    }

    /// Appends (events and, when the policy keeps payloads, the masked text), or throws the
    /// failure as exit 1.
    func record(_ events: [AuditEvent], payload masked: String? = nil) async throws(CLIFailure) {
        guard let log else { return }
        let payload = keepPayloads ? masked.map { AuditLog.Payload(masked: $0, sessionID: scope.sessionID, agentID: scope.agentID) } : nil
        do {
            try await log.append(events, payload: payload)
        } catch {
            throw CLIFailure(.error, error.description)
        }
    }
}

extension CommandContext {
    var auditConfiguration: AuditConfiguration {
        AuditConfiguration(environment: environment, dataDirectory: dataDirectory)
    }
}
