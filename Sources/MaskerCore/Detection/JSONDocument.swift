/// A JSON document masked as data (`masker mask` and `masker detect` on JSON input, `/api/v1/mask`
/// with `json`): every string, key and identifier-like number read with its key as context
/// (`JSONFields`, `KeyedValue`), and the document written back with the same shape.
public enum JSONDocument {
    /// The document's texts, in the order `rewrite` visits them.
    public static func texts(_ document: JSONValue) -> [KeyedValue] {
        var texts: [KeyedValue] = []
        _ = JSONFields.rewrite(document, key: nil) { keyed, _ in
            texts.append(keyed)
            return nil
        }
        return texts
    }

    /// The document with its texts replaced, in `texts` order (a text equal to its original stays).
    public static func rewrite(_ document: JSONValue, with outputs: [String]) -> JSONValue {
        var index = 0
        return JSONFields.rewrite(document, key: nil) { keyed, _ in
            defer { index += 1 }
            guard index < outputs.count, outputs[index] != keyed.value else { return nil }
            return outputs[index]
        }
    }

    /// A text's whole input parsed as a JSON object or array; nil for anything else (plain text,
    /// a bare JSON string or number).
    public static func parse(_ text: String) -> JSONValue? {
        guard let first = text.utf8.first(where: { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "["), let document = try? JSONParser.parse(text) else { return nil }
        return document
    }
}
