import Foundation

/// A day written `YYYY-MM-DD`, as the settings and flags that take one spell it (`vault purge
/// --before`, `MASKER_KEY_ROTATION_STARTED`): midnight UTC of that day.
public enum CalendarDay {
    public static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)
    }
}
