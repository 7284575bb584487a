@testable import MaskerCore
import Testing

struct DigitRunTests {
    /// `ScannedText` finds runs only in turns with `DigitRun.minimumDigits` digits or more, so a
    /// recognizer reading them must never be run on fewer.
    @Test func recognizersReadingRunsNeedAtLeastTheDigitsRunsAreFoundFor() {
        let readers: [any Recognizer] = [PhoneRecognizer(), SSNRecognizer(), AccountRecognizer()]
        for reader in readers { #expect(reader.minimumDigits >= DigitRun.minimumDigits, "\(reader.name)") }
    }

    @Test func runsAreFoundOnceForTheTurnWithTheirGroupsAndSeparators() {
        let scanned = ScannedText("call (415) 555-2671 or card 4111 1111 1111 1111")
        #expect(scanned.digitRuns.map(\.digits.string) == ["4155552671", "4111111111111111"])
        #expect(scanned.digitRuns.map(\.groups) == [[3, 3, 4], [4, 4, 4, 4]])
        #expect(scanned.digitRuns.first?.openedWithParenthesis == true)
        #expect(scanned.digitRuns.last?.separators == [.space])
    }

    /// Groups on another line are another number: a ZIP code over a phone number, or a form's fields.
    @Test func runsStopAtALineBreak() {
        #expect(ScannedText("zip 94110\n415 555 2671").digitRuns.map(\.digits.string) == ["94110", "4155552671"])
        #expect(ScannedText("member 12345-\n67890").digitRuns.map(\.digits.string) == ["12345", "67890"])
        #expect(ScannedText("member 12345 67890").digitRuns.map(\.digits.string) == ["1234567890"])
        // Found on the phone's own line, the phone is a phone.
        let spoken = found("phone\n three five one seven two \n seven three four seven four six three four five nine")
        #expect(spoken.contains("PHONE:seven three four seven four six three four five nine"), "\(spoken)")
        #expect(!spoken.contains { $0.contains("\n") }, "\(spoken)")
    }

    @Test func aTurnWithTooFewDigitsHasNoRuns() {
        #expect(ScannedText("room 1234").digitRuns.isEmpty)
        #expect(ScannedText("zip 94110").digitRuns.map(\.digits.string) == ["94110"])
    }
}
