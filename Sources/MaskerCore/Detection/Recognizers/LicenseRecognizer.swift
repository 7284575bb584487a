/// LICENSE: DEA registration numbers (two letters and seven digits with the DEA checksum: 0.9
/// anywhere), NPIs (ten digits, Luhn over 80840, only after "NPI": ten bare digits are far more
/// often a phone), and driver's licence, certificate and professional licence numbers after their
/// phrase (0.85).
///
/// A DEA-shaped token failing its checksum is dropped, unless "DEA" comes before it; an NPI
/// failing Luhn likewise: then each is kept at 0.75. The checksum raises confidence; it does not
/// veto what the speaker said the number is.
struct LicenseRecognizer: Recognizer {
    let name = "license"
    var kinds: Set<EntityKind> { [.license] }
    var minimumDigits: Int { 3 }

    static let identifier = IdentifierAfterContext(context: ContextPhrases([
        "driver's license", "drivers license", "driver license", "driver's licence", "driving licence", "dl",
        "license number", "licence number", "license", "licence", "license no", "certificate number",
        "certification number", "permit number", "state id", "id card number",
    ], introducing: .license), minLength: 5, maxLength: 15, minDigits: 3)
    static let npiContext = ContextPhrases(["npi", "npi number", "national provider identifier", "provider number"])
    static let deaContext = ContextPhrases(["dea", "dea number", "dea registration", "dea registration number", "dea #"])

    func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var candidates = Self.identifier.matches(in: text).map {
            Candidate(kind: .license, start: $0.start, end: $0.end, confidence: 0.85)
        }
        for index in text.digitTokens.lazy.map(Int.init) {
            let token = tokens[index]
            // Seven digits first: the checksum's String work is for the rare token that could be one.
            if token.kind == .word, token.length == 9, token.digitCount >= 7, case let string = token.text.string, Checksums.deaShape(string) {
                let confidence = Checksums.dea(string) ? 0.9 : (Self.deaContext.precedes(tokens, index, window: 4) ? 0.75 : 0)
                if confidence > 0 { candidates.append(Candidate(kind: .license, start: token.start, end: token.end, confidence: confidence)) }
            } else if token.kind == .number, token.length == 10, Self.npiContext.precedes(tokens, index, window: 4) {
                candidates.append(Candidate(kind: .license, start: token.start, end: token.end, confidence: Checksums.npi(token.text) ? 0.9 : 0.75))
            }
        }
        return candidates
    }
}
