@testable import MaskerCore
import Testing

struct GluedNumbersTests {
    static func texts(_ text: String) -> [String] { ScannedText(text).tokens.map(\.text.string) }

    @Test func aWordGluedToAJoinedNumberIsCutOff() {
        #expect(Self.texts("is212-555-0187") == ["is", "212", "-", "555", "-", "0187"])
        #expect(Self.texts("IP10.20.30.40") == ["ip", "10", ".", "20", ".", "30", ".", "40"])
        let cut = ScannedText("My number is212-555-0187").tokens
        #expect(cut[2].start == 10 && cut[2].end == 12 && cut[3].start == 12 && cut[3].end == 15)
        #expect(!cut[3].spaceBefore && cut[2].spaceBefore)
    }

    @Test func anISOTimestampsDayAndHourAreCutApart() {
        #expect(Self.texts("2024-03-15T14:30Z") == ["2024", "-", "03", "-", "15", "t", "14", ":", "30z"])
    }

    /// Identifiers whose own shape is letters and digits stay whole.
    @Test(arguments: ["C03005988", "d12-345-678", "A1c 7.2", "covid19 test", "MRN12345", "x204", "db8::1", "B12-5"])
    func identifierShapesStayWhole(_ text: String) {
        let first = ScannedText(text).tokens[0]
        #expect(first.kind == .word, "\(Self.texts(text))")
        #expect(first.end - first.start == text.prefix { $0.isLetter || $0.isNumber }.count, "\(Self.texts(text))")
    }
}
