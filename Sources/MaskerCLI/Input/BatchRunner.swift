import Foundation
import MaskerCore

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
        var line = 0
        while let bytes = reader.next() {
            line += 1
            var id = JSONValue.null
            let output: JSONValue
            var stop: RecordFailure?
            do {
                let (parsedID, text, session) = try parse(bytes, line: line)
                id = parsedID
                guard let text else { continue }
                do {
                    output = .object([("id", id)] + (try await operation(BatchLine(id: id, text: text, session: session))))
                } catch {
                    stop = error.stopsRun ? error : nil
                    output = .object([("id", id), ("error", .string("line \(line): \(error.message)"))])
                }
            } catch {
                if case let .withID(knownID, _) = error { id = knownID }
                output = .object([("id", id), ("error", .string(error.message))])
            }
            if let stop { throw CLIFailure(.error, stop.message) }
            Console.write(output.serialized() + "\n")
        }
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
