import Foundation
import MaskerCore

/// One line of a gold file: `masker eval` scores against these, `masker ner train` learns from them.
struct GoldLine: Decodable {
    var text: String
    var spans: [GoldSpan]
}

/// Reads gold JSON lines one at a time (constant memory), skipping blank lines; a bad line stops
/// the run with its line number. `body` gets each line with its number in the file.
enum GoldFile {
    static func forEach(_ path: String, _ body: (Int, GoldLine) async throws -> Void) async throws {
        let reader = try ByteLineReader.open(path, records: true)
        let decoder = JSONDecoder()
        var lineNumber = 0
        while let bytes = reader.next() {
            lineNumber += 1
            guard let raw = String(validating: bytes, as: UTF8.self) else {
                throw CLIFailure(.error, "\(path) line \(lineNumber) is not valid UTF-8")
            }
            if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            let line: GoldLine
            do {
                line = try decoder.decode(GoldLine.self, from: Data(raw.utf8))
            } catch {
                throw CLIFailure(.error, "\(path) line \(lineNumber) is not a gold line {\"text\", \"spans\":[{\"kind\",\"start\",\"end\"}]} with known kinds")
            }
            try await body(lineNumber, line)
        }
    }
}
