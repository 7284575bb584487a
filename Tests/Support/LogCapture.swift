import Foundation
import Logging

/// Collects log lines so tests can check what was said, and that no PHI or key was.
public final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(level: Logger.Level, message: String)] = []

    public init() {}

    public var entries: [(level: Logger.Level, message: String)] { lock.withLock { storage } }
    public var lines: [String] { entries.map(\.message) }
    /// Every line with its metadata (`key=value`), joined: what a PHI or secret check must search.
    public var text: String { lock.withLock { rendered.joined(separator: "\n") } }
    private var rendered: [String] = []

    public var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let line = ([event.message.description] + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
            capture.lock.withLock {
                capture.storage.append((event.level, event.message.description))
                capture.rendered.append(line)
            }
        }
    }
}
