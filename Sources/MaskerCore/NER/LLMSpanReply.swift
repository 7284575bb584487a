import Foundation

/// A model's answer to `LLMSpanPrompt`, checked against the texts it was asked about.
///
/// Nothing the model says is trusted: a span counts only where its words really occur in its item,
/// on word boundaries ("Ann" is not found inside "Annual"). Spans whose words are not there
/// (invented), whose `start` does not point at them (misplaced), whose item does not exist or whose
/// kind the policy did not ask for are dropped and counted. A span found several times in its item
/// is every occurrence: a name said twice is PHI both times.
public struct LLMSpanReply: Sendable, Equatable {
    /// Candidates per item, in item order.
    public var candidates: [[Candidate]]
    /// Spans the model proposed that failed the checks.
    public var dropped: Int

    /// Confidence of a span whose model gave none: above the default NAME threshold (0.7) so the
    /// back end is useful out of the box, below 1 so a stricter policy threshold can still refuse it.
    public static let defaultConfidence = 0.9

    /// Why a reply could not be used at all (the turn then falls back to the embedded model).
    /// The descriptions never quote the reply: it may repeat the PHI it was sent.
    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case notChatCompletion
        case notSpanJSON

        public var description: String {
            switch self {
            case .notChatCompletion: "the endpoint's answer is not an OpenAI chat completion (no choices[0].message.content)"
            case .notSpanJSON: "the model's answer is not the JSON asked for ({\"spans\":[...]})"
            }
        }
    }

    /// Reads a whole chat-completions response body.
    public static func parse(chatCompletion body: [UInt8], items: [String], kinds: Set<EntityKind>) throws(Invalid) -> LLMSpanReply {
        guard let response = try? JSONParser.parse(body),
              case let .array(choices)? = response["choices"], let first = choices.first,
              let content = first["message"]?["content"]?.stringValue
        else { throw .notChatCompletion }
        return try parse(content: content, items: items, kinds: kinds)
    }

    /// Reads the message content: the span JSON, tolerating a Markdown fence or words around it.
    public static func parse(content: String, items: [String], kinds: Set<EntityKind>) throws(Invalid) -> LLMSpanReply {
        guard let document = jsonDocument(in: content) else { throw .notSpanJSON }
        let spans: [JSONValue]
        switch document {
        case let .array(list): spans = list
        case .object:
            guard case let .array(list)? = document["spans"] else { throw .notSpanJSON }
            spans = list
        default: throw .notSpanJSON
        }
        let scalars = items.map { Array($0.unicodeScalars) }
        var reply = LLMSpanReply(candidates: Array(repeating: [], count: items.count), dropped: 0)
        for span in spans {
            guard let found = locate(span, in: scalars, kinds: kinds) else {
                reply.dropped += 1
                continue
            }
            for candidate in found.candidates where !reply.candidates[found.item].contains(candidate) {
                reply.candidates[found.item].append(candidate)
            }
        }
        return reply
    }

    private static func locate(_ span: JSONValue, in items: [[Unicode.Scalar]], kinds: Set<EntityKind>)
        -> (item: Int, candidates: [Candidate])? {
        guard case .object = span, let kindName = span["kind"]?.stringValue,
              let kind = kind(named: kindName), kinds.contains(kind),
              let words = span["text"]?.stringValue.map({ Array($0.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars) }), !words.isEmpty
        else { return nil }
        let item: Int
        if let number = span["item"].flatMap(integer) {
            item = number
        } else if items.count == 1 {
            item = 0
        } else {
            return nil
        }
        guard items.indices.contains(item) else { return nil }
        let text = items[item]
        let confidence = span["confidence"]?.doubleValue.map { min(max($0, 0), 1) } ?? defaultConfidence
        if let start = span["start"].flatMap(integer) {
            guard matches(words, in: text, at: start) else { return nil }
            return (item, [Candidate(kind: kind, start: start, end: start + words.count, confidence: confidence)])
        }
        var candidates: [Candidate] = []
        var start = 0
        while start + words.count <= text.count {
            if matches(words, in: text, at: start) {
                candidates.append(Candidate(kind: kind, start: start, end: start + words.count, confidence: confidence))
                start += words.count
            } else {
                start += 1
            }
        }
        return candidates.isEmpty ? nil : (item, candidates)
    }

    /// The words at `start`, ASCII letters compared without case (models often re-case a name
    /// they copy), with no letter or digit running on either side.
    static func matches(_ words: [Unicode.Scalar], in text: [Unicode.Scalar], at start: Int) -> Bool {
        guard start >= 0, start + words.count <= text.count else { return false }
        for offset in words.indices where folded(words[offset]) != folded(text[start + offset]) { return false }
        if start > 0, isWordScalar(text[start - 1]), isWordScalar(words[0]) { return false }
        let end = start + words.count
        if end < text.count, isWordScalar(text[end]), isWordScalar(words[words.count - 1]) { return false }
        return true
    }

    private static func folded(_ scalar: Unicode.Scalar) -> UInt32 {
        (65...90).contains(scalar.value) ? scalar.value + 32 : scalar.value
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// The policy's spelling, and the labels models trained on other schemes tend to use.
    static func kind(named name: String) -> EntityKind? {
        let upper = name.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: " ", with: "_")
        if let kind = EntityKind(rawValue: upper) { return kind }
        switch upper {
        case "PERSON", "PER", "PATIENT", "DOCTOR": return .name
        case "LOCATION", "LOC", "GPE", "FACILITY", "CITY", "STREET": return .address
        case "PHONE_NUMBER": return .phone
        case "EMAIL_ADDRESS": return .email
        default: return nil
        }
    }

    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case let .int(number): number
        case let .uint(number): number <= UInt64(Int.max) ? Int(number) : nil
        case let .double(number): number == number.rounded() && abs(number) < 1e15 ? Int(number) : nil
        default: nil
        }
    }

    /// The JSON inside the content: the whole of it, or from the first `{`/`[` to the last `}`/`]`
    /// (a fenced block, or a sentence before it).
    private static func jsonDocument(in content: String) -> JSONValue? {
        if let whole = try? JSONParser.parse(content) { return whole }
        let characters = Array(content.utf8)
        guard let open = characters.firstIndex(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }),
              let close = characters.lastIndex(where: { $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "]") }),
              open < close
        else { return nil }
        return try? JSONParser.parse(Array(characters[open...close]))
    }
}
