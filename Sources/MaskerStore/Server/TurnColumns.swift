import Foundation
import MaskerCore

/// The `spans` column of a turn row: a JSON array of `{field, start, end, masked_start,
/// masked_end, kind, pass, confidence, action, speaker?}` objects. Positions and kinds only: no text.
enum TurnColumns {
    static func encode(_ spans: [TurnSpan]) -> String {
        JSONValue.array(spans.map { span in
            var fields: [(String, JSONValue)] = [
                ("field", .string(span.field)), ("start", .int(span.start)), ("end", .int(span.end)),
                ("masked_start", .int(span.maskedStart)), ("masked_end", .int(span.maskedEnd)), ("kind", .string(span.kind)),
                ("pass", .string(span.pass)), ("confidence", .double((span.confidence * 1000).rounded() / 1000)),
                ("action", .string(span.action)),
            ]
            if let speaker = span.speaker { fields.append(("speaker", .string(speaker))) }
            return .object(fields)
        }).serialized()
    }

    /// A column that does not read as such an array reads as no spans (never a crash on a row).
    static func decode(_ text: String) -> [TurnSpan] {
        guard case let .array(items)? = try? JSONParser.parse(text) else { return [] }
        return items.compactMap { item in
            guard let field = item["field"]?.stringValue, let start = item["start"]?.intValue, let end = item["end"]?.intValue,
                  let kind = item["kind"]?.stringValue, let pass = item["pass"]?.stringValue, let action = item["action"]?.stringValue
            else { return nil }
            return TurnSpan(field: field, start: start, end: end, maskedStart: item["masked_start"]?.intValue ?? start,
                            maskedEnd: item["masked_end"]?.intValue ?? end, kind: kind, pass: pass,
                            confidence: item["confidence"]?.doubleValue ?? 0, action: action, speaker: item["speaker"]?.stringValue)
        }
    }
}
