import Foundation
import GRDB
import MaskerCore
import Testing

@testable import MaskerStore

struct SQLiteDateTests {
    /// The hand-written text must be GRDB's own, to the byte, or rows written before and after
    /// would not sort or compare together.
    @Test func writesWhatGRDBWrites() {
        var random = SplitMix64(state: 41)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.9999), // 2000-02-29
                     Date(timeIntervalSince1970: 1_798_761_599.9995), Date(), Date(timeIntervalSince1970: 4_102_444_800.001)]
        for _ in 0..<2_000 { dates.append(Date(timeIntervalSince1970: Double(random.next() % 4_102_444_800_000) / 1000 + 0.0004)) }
        for date in dates {
            #expect(DatabaseValue(value: SQLiteDate.text(date)) == date.databaseValue, "\(date.timeIntervalSince1970)")
        }
    }
}
