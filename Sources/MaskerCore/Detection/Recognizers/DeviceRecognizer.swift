/// DEVICE: serial numbers and device identifiers after "serial number", "S/N", "device id", "UDI",
/// "IMEI", "pacemaker serial" (0.85; an IMEI with a valid Luhn digit 0.95).
struct DeviceRecognizer: Recognizer {
    let name = "device"
    var kinds: Set<EntityKind> { [.device] }
    var minimumDigits: Int { 2 }

    static let identifier = IdentifierAfterContext(context: ContextPhrases([
        "serial", "serial number", "serial no", "sn", "s/n", "device id", "device identifier", "device number",
        "udi", "imei", "meid", "model and serial", "implant id", "pump serial", "lot number", "mac address",
    ], introducing: .device), minLength: 5, maxLength: 24, minDigits: 2)

    func recognize(_ text: ScannedText) -> [Candidate] {
        Self.identifier.matches(in: text).map { match in
            let imei = match.value.count == 15 && match.value.allSatisfy(\.isNumber) && Checksums.luhn(TokenText(match.value))
            return Candidate(kind: .device, start: match.start, end: match.end, confidence: imei ? 0.95 : 0.85)
        }
    }
}
