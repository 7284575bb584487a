/// The chat request that asks an OpenAI-compatible model (`MASKER_GEMMA_URL`) for PHI spans in a
/// batch of texts. Pure data: the HTTP call lives with the server, which owns the network.
///
/// The model is asked for each span's exact words rather than offsets: language models copy text
/// well and count characters badly. `LLMSpanReply` finds the words in the text itself, so a span
/// the model invented or altered can never reach the masking step.
public enum LLMSpanPrompt {
    /// What each kind means to the model, in the words of 45 CFR 164.514(b)(2) where they help.
    static let descriptions: [EntityKind: String] = [
        .name: "a person's name or part of one: patient, relative, caregiver, clinician (titles such as Dr. or Mrs. are not part of it)",
        .address: "a street address, city, town, county, neighbourhood, or the name of a hospital, clinic, pharmacy or other facility",
        .dob: "a date of birth",
        .date: "a date tied to the person (admission, discharge, appointment, death)",
        .age: "an age over 89",
        .phone: "a telephone number, also when said as words",
        .fax: "a fax number",
        .email: "an email address, also when said as words (\"sarah dot chen at gmail dot com\")",
        .ssn: "a social security number",
        .mrn: "a medical record number",
        .healthPlan: "a health plan, insurance member or Medicare number",
        .account: "an account or card number",
        .license: "a licence or certificate number (driver's licence, DEA, NPI)",
        .vehicle: "a vehicle identifier or licence plate",
        .device: "a device identifier or serial number",
        .url: "a web address",
        .ipAddress: "an IP address",
        .otherID: "any other identifying number or code, also when described in words",
    ]

    static func instructions(kinds: [EntityKind]) -> String {
        let list = kinds.map { "- \($0.rawValue): \(descriptions[$0] ?? $0.rawValue)" }.joined(separator: "\n")
        return """
        You find protected health information (PHI) in transcripts of calls between patients and a \
        clinic. The text may be lowercase speech-recognition output without punctuation, with numbers \
        and spellings said as words. Report only these kinds:
        \(list)
        Do not report drug names, diseases, symptoms, eponyms used as the name of a disease or test \
        (Parkinson's disease, Crohn's, Bell's palsy), months or weekdays alone, or organisations that \
        are not places of care.
        Answer with JSON only, in exactly this form:
        {"spans":[{"item":0,"kind":"NAME","text":"the exact words from the item"}]}
        Copy each span's text exactly as it appears in its item. Report each distinct span once. If \
        no item holds PHI, answer {"spans":[]}.
        """
    }

    /// The request body for `POST {MASKER_GEMMA_URL}/chat/completions`.
    /// - Parameters:
    ///   - items: the texts of one batch, numbered from 0 in the prompt.
    ///   - kinds: what the policy's `gemma` pass looks for.
    public static func body(model: String, items: [String], kinds: Set<EntityKind>) -> JSONValue {
        let numbered = JSONValue.object([("items", .array(items.enumerated().map { index, text in
            .object([("item", .int(index)), ("text", .string(text))])
        }))])
        return .object([
            ("model", .string(model)),
            ("messages", .array([
                .object([("role", .string("system")), ("content", .string(instructions(kinds: kinds.sorted())))]),
                .object([("role", .string("user")), ("content", .string(numbered.serialized()))]),
            ])),
            ("temperature", .int(0)),
            ("stream", .bool(false)),
            // llama.cpp's server, Ollama and vLLM all constrain the answer to JSON with this.
            ("response_format", .object([("type", .string("json_object"))])),
            ("max_tokens", .int(min(4096, 256 + 96 * items.count))),
        ])
    }
}
