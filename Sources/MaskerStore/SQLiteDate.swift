import Foundation
import MaskerCore

/// A `Date` as GRDB stores it in SQLite (`2026-12-03 10:24:43.218`, UTC, milliseconds), written
/// by hand: GRDB formats every `Date` argument through a `DateFormatter`, and a proxied turn's
/// session write-behind bound two of them per session, about 1 % of the proxy's CPU under load.
/// The text is GRDB's to the byte (a test compares the two), so rows written either way sort and
/// compare together, and GRDB reads them back as `Date`s as before.
enum SQLiteDate {
    static func text(_ date: Date) -> String {
        // UTCTimestamp writes `2026-12-03T10:24:43.218Z`; SQLite's form has a space and no zone,
        // and GRDB's formatter rounds to the nearest millisecond where the audit log's truncates.
        var text = UTCTimestamp.format(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
        text.removeLast()
        let t = text.index(text.startIndex, offsetBy: 10)
        text.replaceSubrange(t...t, with: " ")
        return text
    }
}
