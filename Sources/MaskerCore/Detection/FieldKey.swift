import Foundation

/// What a JSON key says about its value. `{"mrn": "4829173"}` is a record number although
/// "4829173" alone is seven digits: the key is the context a sentence would give ("my MRN is").
///
/// A key is read as words, whatever its spelling: `dateOfBirth`, `date_of_birth`,
/// `date-of-birth`, `DateOfBirth` and `dateofbirth` are all "date of birth". Two uses:
/// - `context`: the words, put before the value when it is detected (`DetectionText`'s
///   recognizers then see "member id: XJH123456789", which their context words know);
/// - `kind`: a key that names a kind of PHI outright (`ssn`, `dob`, `phone`, `patient_name`…)
///   makes its value that kind even when no recognizer would match the value alone: what a record
///   says is a phone number is one (privacy first).
public enum FieldKey {
    /// The key's words, lower case: cut at `_`, `-`, `.`, spaces, digits and lower-to-upper case
    /// changes.
    public static func words(_ key: String) -> [String] {
        // A key is read as detection reads text: `ｍｒｎ` (full-width) and `m\u{200B}rn` are `mrn`.
        let key = DetectionText(key).text
        var words: [String] = []
        var current = ""
        var previous: Character?
        for character in key {
            if character.isLetter {
                if let last = previous, last.isLowercase, character.isUppercase, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(contentsOf: character.lowercased())
            } else if character.isNumber {
                // A run of digits is one word ("line1" is "line 1").
                if let last = previous, last.isNumber { words[words.count - 1].append(character) } else {
                    if !current.isEmpty { words.append(current) }
                    current = ""
                    words.append(String(character))
                }
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
            }
            previous = character
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The key as a phrase to put before its value ("member id"); nil for a key with no words.
    public static func context(_ key: String) -> String? { context(words: words(key)) }

    static func context(words: [String]) -> String? {
        guard !words.isEmpty, words.count <= 8 else { return nil }
        return words.joined(separator: " ")
    }

    /// The kind a key names, if it names one. Phrases are matched anywhere in the key's words,
    /// the longest first (`emergency_contact_phone` is a phone, `patient_name` a name); keys run
    /// together (`dateofbirth`, `phonenumber`) are matched whole.
    public static func kind(_ key: String) -> EntityKind? { kind(words: words(key)) }

    static func kind(words: [String]) -> EntityKind? {
        var words = words
        guard !words.isEmpty else { return nil }
        if let kind = joined[words.joined()] ?? kind(words) { return kind }
        // A list of values under a plural key: "phones", "emails", "addresses".
        guard let last = words.last, last.count > 3, last.hasSuffix("s") else { return nil }
        words[words.count - 1] = String(last.dropLast(last.hasSuffix("sses") || last.hasSuffix("xes") ? 2 : 1))
        return kind(words)
    }

    /// The phrase must end the key ("patient_phone" is a phone, "patient_status" no name), or come
    /// just before a word that only says how the value is written ("mrn_value", "phone_number_e164").
    private static func kind(_ words: [String]) -> EntityKind? {
        var ends = [words.count]
        if words.count > 1, genericSuffixes.contains(words[words.count - 1]) { ends.append(words.count - 1) }
        for end in ends {
            for length in stride(from: min(4, end), through: 1, by: -1) {
                let start = end - length
                guard let kind = phrases[words[start..<end].joined(separator: " ")] else { continue }
                if kind == .name, start > 0, notPersons.contains(words[start - 1]) { return nil }
                return kind
            }
        }
        return nil
    }

    /// Words after a kind that name how its value is written, not another thing.
    static let genericSuffixes: Set<String> = [
        "value", "text", "str", "string", "raw", "formatted", "e164", "display", "masked", "full", "primary", "secondary",
        "1", "2", "3", "main", "alt", "other",
    ]

    /// Kinds a key may sharpen: a value a recognizer calls a date, under `dob`, is a date of birth.
    public static func sameFamily(_ a: EntityKind, _ b: EntityKind) -> Bool {
        family(a) == family(b)
    }

    private static func family(_ kind: EntityKind) -> Int {
        switch kind {
        case .dob, .date, .age: return 0
        case .phone, .fax: return 1
        case .mrn, .healthPlan, .account, .otherID, .license, .device, .vehicle, .ssn: return 2
        case .name: return 3
        case .address: return 4
        case .email, .url, .ipAddress: return 5
        }
    }

    /// "file name", "tool name", "drug name": a name, but not a person's.
    static let notPersons: Set<String> = [
        "file", "tool", "function", "model", "product", "service", "drug", "medication", "med", "company", "org",
        "organization", "event", "field", "key", "host", "domain", "queue", "agent", "assistant", "voice", "app",
        "bucket", "template", "policy", "plan", "group", "team", "brand", "code", "category", "type", "display",
        "table", "column", "schema", "class", "method", "project", "device", "test", "step", "task", "node", "pharmacy",
    ]

    /// Phrases (words joined by one space) that name a kind.
    static let phrases: [String: EntityKind] = {
        var table: [String: EntityKind] = [:]
        let lists: [(EntityKind, [String])] = [
            (.name, ["name", "full name", "first name", "last name", "given name", "family name", "surname", "middle name",
                     "maiden name", "nickname", "patient", "patient name", "caller", "caller name", "guardian", "spouse",
                     "mother", "father", "next of kin", "emergency contact", "contact name", "physician", "doctor",
                     "provider name", "clinician", "nurse", "pcp", "referring physician", "username", "user name",
                     "display name", "legal name", "preferred name", "responsible party", "subscriber name", "insured name"]),
            (.phone, ["phone", "phone number", "telephone", "tel", "mobile", "cell", "cell phone", "callback",
                      "callback number", "call back number", "contact number", "home phone", "work phone", "from number",
                      "to number", "caller number", "caller id", "ani", "msisdn", "sms", "whatsapp", "pager", "beeper"]),
            (.fax, ["fax", "fax number"]),
            (.email, ["email", "e mail", "email address", "mail", "emails"]),
            (.ssn, ["ssn", "social security", "social security number"]),
            (.dob, ["dob", "date of birth", "birth date", "birthdate", "birthday", "born", "birth"]),
            (.date, ["date", "appointment date", "visit date", "admission date", "admit date", "discharge date",
                     "date of service", "dos", "date of death", "dod", "death date", "service date", "procedure date"]),
            (.mrn, ["mrn", "medical record", "medical record number", "record number", "chart number",
                    "patient id", "patient number", "mr number", "emr id", "ehr id", "encounter id", "case number"]),
            (.healthPlan, ["member id", "member number", "subscriber id", "subscriber number", "policy number",
                           "policy id", "insurance id", "insurance number", "health plan", "health plan id", "plan id",
                           "group number", "medicaid", "medicaid id", "medicare", "medicare id", "medicare number",
                           "mbi", "beneficiary id", "hicn", "insurance member id"]),
            (.account, ["account", "account number", "acct", "account id", "billing account", "bank account",
                        "routing number", "iban", "card number", "credit card", "cc number", "debit card"]),
            (.license, ["license", "licence", "license number", "licence number", "drivers license", "driver license",
                        "dl", "dl number", "npi", "dea", "dea number", "certificate", "certificate number"]),
            (.vehicle, ["vin", "license plate", "licence plate", "plate", "plate number", "vehicle id"]),
            (.device, ["device id", "serial", "serial number", "imei", "udid", "mac address", "device serial"]),
            (.url, ["url", "website", "homepage", "web site", "profile url"]),
            (.ipAddress, ["ip", "ip address", "client ip", "remote ip", "ipv4", "ipv6"]),
            (.address, ["address", "street", "street address", "address line", "address line 1", "address line 2",
                        "line 1", "line 2", "city", "town", "county", "zip", "zip code", "zipcode", "postal code",
                        "postcode", "home address", "mailing address", "residence", "neighborhood", "apartment", "apt",
                        "suite"]),
            (.otherID, ["passport", "passport number", "national id", "tax id", "tin", "itin", "ein", "employee id",
                        "student id", "sin", "nhs number", "voter id"]),
        ]
        for (kind, phrases) in lists { for phrase in phrases { table[phrase] = kind } }
        return table
    }()

    /// Keys written with no separator ("dateofbirth"), looked up whole.
    static let joined: [String: EntityKind] = {
        var table: [String: EntityKind] = [:]
        for (phrase, kind) in phrases where phrase.contains(" ") { table[phrase.replacingOccurrences(of: " ", with: "")] = kind }
        return table
    }()
}
