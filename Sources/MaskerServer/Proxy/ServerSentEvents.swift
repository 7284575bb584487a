/// Splits a byte stream of server-sent events into the `data` of each event. Hand-written: the
/// format is a few lines (events end at a blank line; `data:` lines are joined with newlines), and
/// none of the listed packages parses SSE from a byte stream we already hold.
struct ServerSentEventParser {
    private var buffer: [UInt8] = []

    /// The data of every event completed by this chunk.
    mutating func feed(_ chunk: [UInt8]) -> [String] {
        buffer.append(contentsOf: chunk)
        var events: [String] = []
        while let end = Self.eventEnd(in: buffer) {
            let event = Array(buffer[..<end.start])
            buffer.removeFirst(end.after)
            if let data = Self.data(of: event) { events.append(data) }
        }
        return events
    }

    /// A last event the stream ended without a blank line after.
    mutating func finish() -> String? {
        defer { buffer = [] }
        return Self.data(of: buffer)
    }

    private static func eventEnd(in bytes: [UInt8]) -> (start: Int, after: Int)? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 10, bytes[index + 1] == 10 { return (index, index + 2) }
            if bytes[index] == 13, index + 3 < bytes.count, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return (index, index + 4)
            }
            index += 1
        }
        return nil
    }

    private static func data(of event: [UInt8]) -> String? {
        let text = String(decoding: event, as: UTF8.self)
        var lines: [Substring] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            guard line.hasPrefix("data:") else { continue }
            var value = line.dropFirst(5)
            if value.first == " " { value = value.dropFirst() }
            lines.append(value)
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}
