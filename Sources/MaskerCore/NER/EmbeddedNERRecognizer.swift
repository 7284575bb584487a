/// The embedded back end of the `gemma` pass: NAME and ADDRESS spans from `NERModel`, with
/// calibrated confidence, on the original text's offsets.
public struct EmbeddedNERRecognizer: Recognizer {
    public let name = GemmaBackend.embedded.recognizerName
    public let kinds: Set<EntityKind> = [.name, .address]
    public let model: NERModel

    public init(model: NERModel) { self.model = model }

    /// A name or place written all in lower case inside text that capitalises ("some people are
    /// just rude", "pee noramally") is rarely one: its confidence is scaled by this. Strong
    /// context still carries it over the threshold ("my name is sarah chen" scores 1.0 → 0.75);
    /// text that is all lower case, as speech recognition writes it, is untouched.
    static let lowercaseInCasedText = 0.75

    public func recognize(_ text: ScannedText) -> [Candidate] {
        let tokens = text.tokens
        var register: NERFeatures.Register?
        return model.tag(tokens).compactMap { span in
            var first = span.firstToken, last = span.lastToken
            // A span never starts or ends on punctuation ("Dr. Chen." keeps its full stop).
            while last > first, tokens[last].kind == .punct { last -= 1 }
            while first < last, tokens[first].kind == .punct { first += 1 }
            if tokens[last].kind == .punct { return nil }
            // No one's name has a digit in it ("Room 12B", "7P"); a place may ("12B Elm Court").
            if span.kind == .name, tokens[first...last].contains(where: { $0.digitCount > 0 }) { return nil }
            // A word joined to others by underscores is part of an identifier, a JSON key or a
            // variable ("x_unknown_field", "patient_city"), not prose naming someone.
            if first > 0, tokens[first - 1].isPunct("_"), !tokens[first].spaceBefore { return nil }
            if last + 1 < tokens.count, tokens[last + 1].isPunct("_"), !tokens[last + 1].spaceBefore { return nil }
            var end = tokens[last].end
            // "Chen's office": the possessive is grammar, not the name, and the masked text reads
            // better as "[NAME]'s office".
            let word = tokens[last].text
            if word.count > 3, !word.isTruncated, word.byte(at: word.count - 2) == UInt8(ascii: "'"),
               word.byte(at: word.count - 1) == UInt8(ascii: "s"), end - tokens[last].start == word.count { end -= 2 }
            var confidence = model.confidence(span)
            if tokens[first...last].allSatisfy({ $0.kind != .word || !$0.isCapitalized && !$0.isAllCapitals && !$0.spoken }) {
                if register == nil { register = NERFeatures.register(of: tokens) }
                if register != .lowercase { confidence *= Self.lowercaseInCasedText }
            }
            return Candidate(kind: span.kind, start: tokens[first].start, end: end, confidence: confidence)
        }
    }
}
