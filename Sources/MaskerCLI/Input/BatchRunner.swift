import Foundation
import MaskerCore

/// The texts of the records next to one in its session, for numbers said across them.
struct BatchNeighbours {
    var previous: String?
    var next: String?

    /// What a number running in from the line before, or on into the line after, adds to `text`.
    func crossing(_ text: String, pipeline: DetectionPipeline) -> [Detection] {
        var added: [Detection] = []
        if let previous, SplitNumbers.mayJoin(previous, text) {
            added = SplitNumbers.merge(added, SplitNumbers.crossing(previous, text) { pipeline.detect($0) }.second)
        }
        if let next, SplitNumbers.mayJoin(text, next) {
            added = SplitNumbers.merge(added, SplitNumbers.crossing(text, next) { pipeline.detect($0) }.first)
        }
        return added
    }
}

/// One input record of a batch: `{"id", "text", "session"?}`.
struct BatchLine {
    var id: JSONValue
    var text: String
    var session: String?
}

/// Runs a per-record operation over JSON lines `{"id", "text", "session"?}` and writes one JSON line
/// per input line, in order, as it goes: `{"id", <fields the operation returns>}`, or
/// `{"id", "error"}` for a line that cannot be read or processed (the run continues). Blank lines
/// are skipped.
enum BatchRunner {
    /// A record-level failure whose message is safe to print (it names no PHI).
    struct RecordFailure: Error {
        var message: String
        /// A failure of the whole run rather than of this record (the audit log cannot be
        /// written): the run stops with exit 1 and this record's output is not written.
        var stopsRun = false
    }

    static func run(reader: ByteLineReader, _ operation: (BatchLine) async throws(RecordFailure) -> [(String, JSONValue)]) async throws {
        try await run(reader: reader) { record, _ throws(RecordFailure) in try await operation(record) }
    }

    /// As `run`, with each record's neighbours in its session: the line before, and the line
    /// after when this one ends with a number (`SplitNumbers`; only then is the next line read
    /// before this one is written, so a live stream is not held up otherwise).
    static func run(reader: ByteLineReader,
                    _ operation: (BatchLine, BatchNeighbours) async throws(RecordFailure) -> [(String, JSONValue)]) async throws {
        var line = 0
        /// The next record or failure; nil at the end. Blank lines are skipped.
        func nextItem() -> Item? {
            while let bytes = reader.next() {
                line += 1
                do {
                    let (id, text, session) = try parse(bytes, line: line)
                    guard let text else { continue }
                    return .record(BatchLine(id: id, text: text, session: session), line: line)
                } catch {
                    if case let .withID(knownID, _) = error { return .failure(knownID, error.message) }
                    return .failure(.null, error.message)
                }
            }
            return nil
        }
        var previous: BatchLine?
        var lookahead: Item?
        while let item = lookahead ?? nextItem() {
            lookahead = nil
            guard case let .record(record, number) = item else {
                if case let .failure(id, message) = item { Console.write(JSONValue.object([("id", id), ("error", .string(message))]).serialized() + "\n") }
                previous = nil
                continue
            }
            var neighbours = BatchNeighbours()
            if let before = previous, before.session != nil, before.session == record.session { neighbours.previous = before.text }
            if record.session != nil, SplitNumbers.endsWithNumber(record.text) {
                lookahead = nextItem()
                if case let .record(after, _)? = lookahead, after.session == record.session { neighbours.next = after.text }
            }
            let output: JSONValue
            do {
                output = .object([("id", record.id)] + (try await operation(record, neighbours)))
            } catch {
                if error.stopsRun { throw CLIFailure(.error, error.message) }
                output = .object([("id", record.id), ("error", .string("line \(number): \(error.message)"))])
            }
            Console.write(output.serialized() + "\n")
            previous = record
        }
    }

    enum Item {
        case record(BatchLine, line: Int)
        case failure(JSONValue, String)
    }

    enum BatchLineError: Error {
        case plain(String)
        case withID(JSONValue, String)
        var message: String {
            switch self {
            case let .plain(message), let .withID(_, message): return message
            }
        }
    }

    /// The line's id, text and session; nil text for a blank line.
    static func parse(_ bytes: ArraySlice<UInt8>, line: Int) throws(BatchLineError) -> (JSONValue, String?, String?) {
        guard let raw = String(validating: bytes, as: UTF8.self) else {
            throw .plain("line \(line): not valid UTF-8")
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return (.null, nil, nil) }
        let data = Data(trimmed.utf8)
        guard trimmed.hasPrefix("{"), let header = try? JSONDecoder().decode(LineHeader.self, from: data) else {
            throw .plain("line \(line): not a JSON object with a string or numeric \"id\"; expected {\"id\": …, \"text\": \"…\"}")
        }
        let id = header.id ?? .int(line)
        guard let text = header.text else {
            throw .withID(id, "line \(line): missing string field \"text\"")
        }
        return (id, text, header.session)
    }
}

/// The fields a batch line may carry; anything else on the line is ignored.
private struct LineHeader: Decodable {
    var id: JSONValue?
    var text: String?
    var session: String?

    enum CodingKeys: String, CodingKey { case id, text, session }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let string = try? container.decode(String.self, forKey: .id) {
            id = .string(string)
        } else if let number = try? container.decode(Int.self, forKey: .id) {
            id = .int(number)
        } else if container.contains(.id), !(try container.decodeNil(forKey: .id)) {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "id must be a string or an integer")
        }
        text = try? container.decode(String.self, forKey: .text)
        session = try? container.decode(String.self, forKey: .session)
    }
}
