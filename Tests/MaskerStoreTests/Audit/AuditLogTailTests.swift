import Foundation
import MaskerStore
import MaskerTestSupport
import Testing

struct AuditLogTailTests {
    /// Reads every line newest first across many 64 KiB blocks, pages with the cursor, and skips a
    /// last line still being written.
    @Test func linesComeNewestFirstPageByPageWithoutAPartialLastLine() throws {
        let scratch = try ScratchDirectory()
        let lines = (0..<5000).map { "{\"n\":\($0),\"pad\":\"\(String(repeating: "x", count: $0 % 97))\"}" }
        let path = try scratch.write("audit.jsonl", lines.joined(separator: "\n") + "\n{\"n\":\"torn")
        var seen: [String] = []
        var cursor: UInt64?
        var pages = 0
        repeat {
            cursor = try AuditLogTail.scan(path: path, before: cursor, maxLines: 700) { line, _ in
                seen.append(String(decoding: line, as: UTF8.self))
                return true
            }
            pages += 1
        } while cursor != nil
        #expect(seen == lines.reversed())
        #expect(pages == 8)

        var first: [String] = []
        let stop = try AuditLogTail.scan(path: path, maxLines: 100) { line, _ in
            first.append(String(decoding: line, as: UTF8.self))
            return first.count < 3
        }
        #expect(first == Array(lines.reversed().prefix(3)))
        let rest = try AuditLogTail.scan(path: path, before: stop, maxLines: 1) { line, _ in
            #expect(String(decoding: line, as: UTF8.self) == lines[4996])
            return true
        }
        #expect(rest != nil)
        #expect(throws: AuditLogError.self) { try AuditLogTail.scan(path: scratch.url.appendingPathComponent("none").path, maxLines: 1) { _, _ in true } }
    }
}
