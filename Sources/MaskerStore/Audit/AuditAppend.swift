import MaskerCore

/// One caller's events, handed to the audit log's thread by `AuditLog.submit`: the append starts
/// at once, and the caller waits for it only when it needs the events durable.
public typealias AuditAppend = PendingWrite<AuditLogError>
