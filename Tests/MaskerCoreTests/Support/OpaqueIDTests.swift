import MaskerCore
import Testing

/// Session ids and identifiers are written down unmasked: call ids pass, PHI does not.
struct OpaqueIDTests {
    @Test(arguments: [
        "3f1c2a9e-8b7d-4c6e-9a5f-0d1e2f3a4b5c", "12345678-1234-1234-1234-123456789012", // UUIDs (Vapi)
        "Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6", // Retell's call_id
        "CA5f1e2d3c4b5a69788796a5b4c3d2e1f0", "CA1234567890abcdef1234567890abcdef", // Twilio CallSids
        "call_01J8Z3K4M5N6P7Q8R9S0T1V2W3", "req_01J8Z3K4M5N6P7Q8R9S0T1V2W3", "conv_8fK2mQ9xLp3Rt7Vw1Yz4",
        "call-0", "call-42", "demo-call", "front-desk", "a", "book_appointment", "get_current_weather", "lookup_patient",
        "call_8fK2mQ9xLp3Rt7Vw1Yz4Bc6D", "toolu_01A09q90qw90lq917835lq9",
    ])
    func callIdsAndToolNamesPass(_ id: String) {
        #expect(OpaqueID.problem(with: id) == nil)
    }

    @Test(arguments: [
        ("", OpaqueID.Problem.empty), ("Sarah Chen", .character), ("sarah.chen@gmail.com", .character), ("+14155552671", .character),
        ("415-555-2671", .digitRun), ("call-4155552671", .digitRun), ("4155552671", .digitRun), ("1990-04-12", .digitRun),
        ("536-22-1234", .digitRun), ("Sarah_Chen", .name), ("SarahChen", .name), ("sarah-chen", .name), ("call_john_smith", .name),
        ("SarahChen4155552671abcdef", .name), ("sarah.chen.gmail.com", .name),
    ])
    func idsThatCouldCarryPHIAreRefused(_ id: String, _ problem: OpaqueID.Problem) {
        #expect(OpaqueID.problem(with: id) == problem)
    }

    @Test func lengthIsBounded() {
        #expect(OpaqueID.problem(with: String(repeating: "a1", count: 65)) == .tooLong)
        #expect(OpaqueID.problem(with: String(repeating: "a1", count: 65), maxLength: 256) == nil)
    }
}
