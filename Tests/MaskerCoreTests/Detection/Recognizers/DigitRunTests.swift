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

    /// Where one written number ends and the next begins, though only a space is between them.
    @Test func wholeNumbersSideBySideAreTwoRuns() {
        // Two cards: no one groups one number in blocks of sixteen.
        #expect(ScannedText("cards 4111111111111111 5500005555555559").digitRuns.map(\.digits.string)
                == ["4111111111111111", "5500005555555559"])
        #expect(found("cards 4111111111111111 5500005555555559 on file").filter { $0.hasPrefix("ACCOUNT:") }.count == 2)
        // Three cards written three ways, one after the other: each complete card ends its run.
        #expect(ScannedText("4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881").digitRuns.map(\.digits.string)
                == ["4012888888881881", "4012888888881881", "4012888888881881"])
        // A ZIP code, then a phone written in full.
        #expect(ScannedText("zip 02139 617-555-0187").digitRuns.map(\.digits.string) == ["02139", "6175550187"])
        // The country code 1 and a number written in pieces stay one.
        #expect(ScannedText("1 617-555-0187").digitRuns.map(\.digits.string) == ["16175550187"])
        #expect(ScannedText("415 555-2671").digitRuns.map(\.digits.string) == ["4155552671"])
        // Spoken digits arrive in long blocks and still join.
        #expect(found("my card is four one one one one one one one one one one one one one one one")
                .contains { $0.hasPrefix("ACCOUNT:") })
    }

    @Test func aTurnWithTooFewDigitsHasNoRuns() {
        #expect(ScannedText("room 1234").digitRuns.isEmpty)
        #expect(ScannedText("zip 94110").digitRuns.map(\.digits.string) == ["94110"])
    }
}
