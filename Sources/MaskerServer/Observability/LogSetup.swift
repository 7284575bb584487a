import Foundation
import Logging

/// `MASKER_LOG_LEVEL` (trace…critical, default info) and `MASKER_LOG_FORMAT` (`text` or `json`).
/// Log lines carry ids, routes, statuses and timings; the code never logs bodies or headers.
public enum LogSetup {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func logger(environment: [String: String]) throws(Invalid) -> Logger {
        let levelText = environment["MASKER_LOG_LEVEL"].flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw Invalid(description: "MASKER_LOG_LEVEL \"\(levelText)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        let format = environment["MASKER_LOG_FORMAT"].flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "text"
        var logger: Logger
        switch format {
        case "text": logger = Logger(label: "masker.server", factory: { StreamLogHandler.standardError(label: $0) })
        case "json": logger = Logger(label: "masker.server", factory: { JSONLogHandler(label: $0) })
        default: throw Invalid(description: "MASKER_LOG_FORMAT \"\(format)\" must be json or text")
        }
        logger.logLevel = level
        return logger
    }
}

/// One JSON object per line on standard error: `ts`, `level`, `label`, `message`, then metadata.
/// Hand-written: swift-log ships only a text handler, and this is a few lines.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    private static let lock = NSLock()

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = ["ts": ISO8601DateFormatter().string(from: Date()), "level": event.level.rawValue,
                                        "label": label, "message": event.message.description]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(fields) else { return }
        Self.lock.lock()
        FileHandle.standardError.write(data + Data([10]))
        Self.lock.unlock()
    }
}
