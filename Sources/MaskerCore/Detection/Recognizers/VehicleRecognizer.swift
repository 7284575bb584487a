/// VEHICLE: VINs (17 characters without I, O or Q whose ISO 3779 check digit holds: 0.95; with
/// "VIN" before it and a failing check digit, 0.7, since many non-North-American VINs carry no
/// check digit) and licence plates after "plate", "license plate", "tag number" (0.85).
struct VehicleRecognizer: Recognizer {
    let name = "vehicle"
    var kinds: Set<EntityKind> { [.vehicle] }
    var minimumDigits: Int { 1 }

    static let plate = IdentifierAfterContext(context: ContextPhrases([
        "plate", "plates", "license plate", "licence plate", "plate number", "tag number", "registration number",
    ], introducing: .plate), minLength: 4, maxLength: 8, minDigits: 1)
    static let vinContext = ContextPhrases(["vin", "vehicle identification number", "vin number"])

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates = Self.plate.matches(in: text).map {
            Candidate(kind: .vehicle, start: $0.start, end: $0.end, confidence: 0.85)
        }
        for index in text.digitTokens.lazy.map(Int.init) where tokens[index].length == 17 && tokens[index].digitCount >= 3 {
            let token = tokens[index]
            let upper = token.text.string.uppercased()
            guard upper.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }), !upper.contains(where: { "IOQ".contains($0) }) else { continue }
            if Checksums.vin(upper) {
                candidates.append(Candidate(kind: .vehicle, start: token.start, end: token.end, confidence: 0.95))
            } else if Self.vinContext.precedes(tokens, index, window: 4) {
                candidates.append(Candidate(kind: .vehicle, start: token.start, end: token.end, confidence: 0.7))
            }
        }
        return candidates
    }
}
