/// The `audit:` block of a policy.
public struct AuditSettings: Equatable, Sendable {
    public var logEvents: Bool
    /// Keep encrypted masked payloads next to events (for session views and reports).
    public var logPayloads: Bool
    /// 2555 days is seven years, the retention most HIPAA programmes adopt.
    public var retentionDays: Int

    public init(logEvents: Bool = true, logPayloads: Bool = false, retentionDays: Int = 2555) {
        self.logEvents = logEvents
        self.logPayloads = logPayloads
        self.retentionDays = retentionDays
    }
}
