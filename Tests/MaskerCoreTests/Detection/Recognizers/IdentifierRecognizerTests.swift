@testable import MaskerCore
import Testing

struct IdentifierRecognizerTests {
    @Test(arguments: [
        ("MRN 4827193", "MRN:4827193"),
        ("medical record number is A1234567", "MRN:A1234567"),
        ("chart number four eight two seven one nine three", "MRN:four eight two seven one nine three"),
        ("MRN-00482719", "MRN:00482719"),
        ("card 4111 1111 1111 1111", "ACCOUNT:4111 1111 1111 1111"),
        ("account number 000123456789", "ACCOUNT:000123456789"),
        ("medicare number 1EG4-TE5-MK73", "HEALTH_PLAN:1EG4-TE5-MK73"),
        ("1EG4TE5MK73", "HEALTH_PLAN:1EG4TE5MK73"),
        ("member id is XJH 4829 1130", "HEALTH_PLAN:XJH 4829 1130"),
        ("DEA AB1234563", "LICENSE:AB1234563"),
        ("code A91234563", "LICENSE:A91234563"),        // a DEA number's second character may be 9
        ("NPI 1234567893", "LICENSE:1234567893"),
        ("driver's license D1234567", "LICENSE:D1234567"),
        ("VIN 1HGCM82633A004352", "VEHICLE:1HGCM82633A004352"),
        ("license plate 7ABC123", "VEHICLE:7ABC123"),
        ("plate seven a b c one two three", "VEHICLE:seven a b c one two three"),
        ("pacemaker serial number PM-4471-2209", "DEVICE:PM-4471-2209"),
        ("IMEI 490154203237518", "DEVICE:490154203237518"),
        ("pump S/N 99812-4471", "DEVICE:99812-4471"),  // a phrase with punctuation in it ("s/n")
        ("claim number 88172635", "OTHER_ID:88172635"),
        ("it's seven three four seven four six three four okay", "OTHER_ID:seven three four seven four six three four"),
        // Asked for and answered: the question's phrase is context for the answer.
        ("can you confirm your member id? yes, it is W987654321.", "HEALTH_PLAN:W987654321"),
        ("and the policy number? yeah it's AB 445 221 90", "HEALTH_PLAN:AB 445 221 90"),
        ("what's your MRN? sure, 4827193", "MRN:4827193"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    /// Without context, a failing check digit decides: the shape alone is not enough.
    @Test(arguments: [
        ("ref 4111 1111 1111 1112", "ACCOUNT:"),       // Luhn fails
        ("code AB1234567", "LICENSE:"),                 // DEA checksum fails
        ("id 1234567890", "LICENSE:"),                  // an NPI's shape, no "NPI"
    ])
    func withoutContextCheckDigitsDecide(_ text: String, _ rejectedPrefix: String) {
        #expect(!found(text).contains { $0.hasPrefix(rejectedPrefix) }, "\(found(text))")
    }

    /// With context, a failing check digit lowers confidence (0.75) but never vetoes: what the
    /// speaker says is their number is theirs to protect (an ASR slip, a test number).
    @Test(arguments: [
        ("my credit card number is 4111 1111 1111 1112", "ACCOUNT:4111 1111 1111 1112"),
        ("card four one one one one one one one one one one one one one one two", "ACCOUNT:four one one one one one one one one one one one one one one two"),
        ("DEA AB1234567", "LICENSE:AB1234567"),
        ("NPI 1234567890", "LICENSE:1234567890"),
        ("SSN 123-00-6789", "SSN:123-00-6789"),
        ("my tax id is 912-78-1234", "SSN:912-78-1234"),
        ("VIN 1HGCM82633A004353", "VEHICLE:1HGCM82633A004353"),
    ])
    func withContextAFailingCheckDigitLowersConfidenceOnly(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
        #expect(!found(text, threshold: 0.8).contains(expected), "\(found(text, threshold: 0.8))")
    }

    @Test func aVINFailingItsCheckDigitIsKeptOnlyAfterVINWithLowerConfidence() {
        #expect(found("VIN 1HGCM82633A004353").contains("VEHICLE:1HGCM82633A004353"))
        #expect(!found("VIN 1HGCM82633A004353", threshold: 0.8).contains("VEHICLE:1HGCM82633A004353"))
        #expect(found("code 1HGCM82633A004353").isEmpty)
    }

    @Test(arguments: ["the patient has a chart", "my member of staff", "serial killer movies", "license to drive",
                      "are you a member? yes, since 2019", "policy? sure, okay"])
    func contextWordsAloneFindNothing(_ text: String) {
        #expect(found(text).isEmpty, "\(found(text))")
    }
}

struct IBANRecognizerTests {
    /// IBANs written whole or in printed groups of four, any country that issues them, anywhere.
    @Test(arguments: [
        ("wire it to DE89 3704 0044 0532 0130 00 please", "ACCOUNT:DE89 3704 0044 0532 0130 00"),
        ("GB82 WEST 1234 5698 7654 32", "ACCOUNT:GB82 WEST 1234 5698 7654 32"),
        ("my account is NL91ABNA0417164300.", "ACCOUNT:NL91ABNA0417164300"),
        ("FR14 2004 1010 0505 0001 3M02 606", "ACCOUNT:FR14 2004 1010 0505 0001 3M02 606"),
    ])
    func findsIBANs(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    /// One character off fails mod-97: kept after "IBAN" (0.75), not found without it.
    @Test func aFailingCheckIsKeptOnlyAfterIBAN() {
        #expect(found("IBAN DE89 3704 0044 0532 0130 01").contains("ACCOUNT:DE89 3704 0044 0532 0130 01"))
        #expect(!found("IBAN DE89 3704 0044 0532 0130 01", threshold: 0.8).contains("ACCOUNT:DE89 3704 0044 0532 0130 01"))
        #expect(!found("code DE89 3704 0044 0532 0130 01").contains { $0.hasPrefix("ACCOUNT:DE89") })
    }

    @Test func modNinetySevenIsTheStandardsCheck() {
        #expect(Checksums.iban("DE89370400440532013000"))
        #expect(!Checksums.iban("DE89370400440532013001"))
        #expect(Checksums.iban("GB82WEST12345698765432"))
        #expect(!Checksums.iban("GB82WEST1234"))
    }
}

struct SpokenIdentifierTests {
    @Test func numberWordsAreNotReadAsDigitStrings() {
        // "two thousand five hundred" is a quantity, not an identifier read out digit by digit.
        #expect(found("we paid two thousand five hundred and twelve dollars").isEmpty)
        #expect(found("they were in the nineteen ninety one nineteen ninety two time frame").isEmpty)
    }
}
