import Foundation

/// Which audit records a report covers: one call, one agent, or everything since a moment; the
/// filters combine. `until` is when the report was made. `agentIDs`, when given, keeps only the
/// records of those agents: a report made in the portal covers its own account's agents only.
public struct ReportScope: Sendable, Equatable {
    public let sessionID: String?
    public let agentID: String?
    public let agentIDs: Set<String>?
    public let since: Date?
    public let until: Date
    /// The bounds as the log writes times, formatted once: `includes` runs for every record.
    private let sinceText: String?
    private let untilText: String

    public init(sessionID: String? = nil, agentID: String? = nil, agentIDs: Set<String>? = nil, since: Date? = nil, until: Date = Date()) {
        self.sessionID = sessionID
        self.agentID = agentID
        self.agentIDs = agentIDs
        self.since = since
        self.until = until
        sinceText = since.map(UTCTimestamp.format)
        untilText = UTCTimestamp.format(until)
    }

    public func includes(timestamp: String?, sessionID: String?, agentID: String?) -> Bool {
        if let wanted = self.sessionID, wanted != sessionID { return false }
        if let wanted = self.agentID, wanted != agentID { return false }
        if let allowed = agentIDs, !(agentID.map(allowed.contains) ?? false) { return false }
        guard let timestamp else { return sinceText == nil }
        if let sinceText, timestamp < sinceText { return false }
        return timestamp <= untilText
    }

    /// Reads a window like `7d`, `12h`, `30m` (days, hours, minutes).
    public static func parseWindow(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Double(text.dropLast()), count >= 0 else { return nil }
        switch unit {
        case "d": return count * 86_400
        case "h": return count * 3_600
        case "m": return count * 60
        default: return nil
        }
    }

    var jsonValue: JSONValue {
        .object([
            ("session_id", sessionID.map(JSONValue.string) ?? .null), ("agent_id", agentID.map(JSONValue.string) ?? .null),
            ("since", sinceText.map(JSONValue.string) ?? .null), ("until", .string(untilText)),
        ] + (agentIDs.map { [("agent_ids", .array($0.sorted().map(JSONValue.string)))] } ?? []))
    }
}
