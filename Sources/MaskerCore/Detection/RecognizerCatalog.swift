/// The recognizers of the `regex` pass, in the order they run (order does not affect results:
/// overlaps are settled by the merge).
public enum RecognizerCatalog {
    public static let standard: [any Recognizer] = [
        PhoneRecognizer(), PagerRecognizer(), SSNRecognizer(), EmailRecognizer(), DateRecognizer(), AgeRecognizer(),
        StreetAddressRecognizer(), InternationalStreetRecognizer(), ZipCodeRecognizer(), IPAddressRecognizer(), URLRecognizer(), MRNRecognizer(),
        AccountRecognizer(), IBANRecognizer(), HealthPlanRecognizer(), LicenseRecognizer(), VehicleRecognizer(), DeviceRecognizer(),
        OtherIdentifierRecognizer(),
    ]
}
