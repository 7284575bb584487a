import MaskerCore
import Testing

/// JSON keys are context for their values.
struct KeyedValueTests {
    let pipeline = DetectionPipeline(policy: .healthcareDefault)

    func detect(_ value: String, key: String?) -> [Detection] {
        let keyed = KeyedValue(value, key: key)
        return keyed.detections(pipeline.detect(keyed.detectionText), policy: pipeline.policy)
    }

    @Test(arguments: [
        ("mrn", EntityKind.mrn), ("MRN", .mrn), ("medicalRecordNumber", .mrn), ("dob", .dob), ("date_of_birth", .dob),
        ("dateOfBirth", .dob), ("DateOfBirth", .dob), ("dateofbirth", .dob), ("date-of-birth", .dob), ("phone", .phone),
        ("callback", .phone), ("callbackNumber", .phone), ("emergency_contact_phone", .phone), ("member_id", .healthPlan),
        ("memberId", .healthPlan), ("ssn", .ssn), ("patient_name", .name), ("patientName", .name), ("firstName", .name),
        ("address", .address), ("zip_code", .address), ("city", .address), ("email", .email), ("emails", .email),
        ("phones", .phone), ("fax", .fax), ("mrn_value", .mrn), ("ｍｒｎ", .mrn), ("s\u{200B}sn", .ssn), ("phone_number_formatted", .phone), ("address_line_1", .address), ("npi", .license), ("vin", .vehicle), ("ip_address", .ipAddress),
    ])
    func keysNameKindsInAnySpelling(_ key: String, _ kind: EntityKind) {
        #expect(FieldKey.kind(key) == kind)
    }

    @Test(arguments: ["status", "file_name", "tool_name", "drug_name", "type", "id", "count", "notes", "role", "model",
                      "patient_status", "phone_number_type", "patient_count"])
    func otherKeysNameNoKind(_ key: String) {
        #expect(FieldKey.kind(key) == nil)
    }

    @Test func aKeyThatNamesAKindMakesItsWholeValueThatKind() throws {
        for (key, value, kind) in [("mrn", "4829173", EntityKind.mrn), ("ssn", "123-45-6789", .ssn), ("member_id", "XJH123456789", .healthPlan),
                                   ("phone", "4155552671", .phone), ("patient_name", "Oluwaseun Adeyemi", .name), ("city", "Łódź", .address),
                                   ("dob", " 1990-04-12 ", .dob)] {
            let found = detect(value, key: key)
            let whole = try #require(found.first, "\(key)")
            #expect(found.count == 1 && whole.kind == kind, "\(key): \(found.map(\.kind))")
            #expect(whole.text == value.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func valuesThatSayNothingAndProseAreNotTakenWhole() {
        #expect(detect("n/a", key: "phone").isEmpty)
        #expect(detect("", key: "mrn").isEmpty)
        let note = "the caller asked about her refill and will call back tomorrow morning after her appointment at the clinic"
        #expect(detect(note, key: "name").isEmpty)
    }

    @Test func spansAreOnTheValueNotTheContext() throws {
        let found = try #require(detect("call 415-555-2671 now", key: "notes").first)
        #expect(found.kind == .phone && found.start == 5 && found.end == 17 && found.text == "415-555-2671")
    }

    @Test func aDisabledKindIsNotForcedByItsKey() {
        var policy = Policy.healthcareDefault
        policy.entities[.mrn]?.enabled = false
        let keyed = KeyedValue("4829173", key: "mrn")
        #expect(keyed.detections([], policy: policy).isEmpty)
    }

    @Test func jsonFieldsOfferStringsKeysAndLongNumbersAndKeepTheShape() {
        let document = (try? JSONParser.parse(#"{"Sarah Chen":{"phone":4155552671,"age":42,"visits":3,"ok":true,"mrn":"4829173"}}"#)) ?? .null
        let texts = JSONDocument.texts(document)
        // Keys are texts too, unless they name a kind; short numbers and booleans are not.
        #expect(texts.map(\.value) == ["Sarah Chen", "4155552671", "age", "visits", "ok", "4829173"])
        #expect(texts.map(\.kind) == [nil, .phone, nil, nil, nil, .mrn])
        let rewritten = JSONDocument.rewrite(document, with: ["K", "P", "age", "visits", "ok", "4829173"])
        #expect(rewritten.serialized() == #"{"K":{"phone":"P","age":42,"visits":3,"ok":true,"mrn":"4829173"}}"#)
    }
}
