import Crypto
import Foundation
import MaskerCore

/// The text of one proxied turn, kept only when its policy sets `audit.log_payloads: true`, for
/// the portal's four panels: each request text as the caller sent it and as the model saw it, the
/// model's answer, and the answer the caller got back.
///
/// Stored sealed in the turn's row (`ProxyTurn.sealed`, `RecordSeal`), with the account, session
/// and turn ids as associated data, so a sealed payload moved to another row, or another account,
/// does not open. The original text is PHI itself: it exists nowhere else.
public struct TurnPayload: Sendable, Equatable {
    public struct Text: Sendable, Equatable {
        /// Where in the request it was (`messages[1].content`), and who wrote it (`user`), if known.
        public var field: String
        public var role: String?
        public var original: String
        public var masked: String

        public init(field: String, role: String?, original: String, masked: String) {
            self.field = field
            self.role = role
            self.original = original
            self.masked = masked
        }
    }

    public var texts: [Text]
    /// The model's answer as it came (tokens in it), and as the caller got it (restored); nil
    /// when the turn ended before an answer.
    public var answer: String?
    public var restored: String?
    /// Whether texts were cut to `limit` scalars each.
    public var truncated: Bool

    /// Scalars kept of each text: a turn carrying a long document keeps its first 64 Ki.
    public static let limit = 64 * 1024

    public init(texts: [Text], answer: String?, restored: String?) {
        var cut = false
        func clip(_ text: String) -> String {
            guard text.unicodeScalars.count > Self.limit else { return text }
            cut = true
            return String(String.UnicodeScalarView(text.unicodeScalars.prefix(Self.limit)))
        }
        self.texts = texts.map { Text(field: $0.field, role: $0.role, original: clip($0.original), masked: clip($0.masked)) }
        self.answer = answer.map(clip)
        self.restored = restored.map(clip)
        truncated = cut
    }

    public func seal(key: SymmetricKey, accountID: String, sessionID: String, turnID: String) throws -> Data {
        let document = JSONValue.object([
            ("texts", .array(texts.map { text in
                .object([("field", .string(text.field)), ("role", text.role.map(JSONValue.string) ?? .null),
                         ("original", .string(text.original)), ("masked", .string(text.masked))])
            })),
            ("answer", answer.map(JSONValue.string) ?? .null), ("restored", restored.map(JSONValue.string) ?? .null),
            ("truncated", .bool(truncated)),
        ])
        return try RecordSeal.seal(document.serializedBytes(), key: key,
                                   context: Self.context(accountID: accountID, sessionID: sessionID, turnID: turnID))
    }

    /// The payload, or nil when it does not open under this key for this account, session and turn.
    public static func open(_ sealed: Data, key: SymmetricKey, accountID: String, sessionID: String, turnID: String) -> TurnPayload? {
        guard let plain = RecordSeal.open(sealed, key: key, context: context(accountID: accountID, sessionID: sessionID, turnID: turnID)),
              let document = try? JSONParser.parse(plain), case let .array(items)? = document["texts"] else { return nil }
        let texts = items.compactMap { item -> Text? in
            guard let field = item["field"]?.stringValue, let original = item["original"]?.stringValue,
                  let masked = item["masked"]?.stringValue else { return nil }
            return Text(field: field, role: item["role"]?.stringValue, original: original, masked: masked)
        }
        var payload = TurnPayload(texts: texts, answer: document["answer"]?.stringValue, restored: document["restored"]?.stringValue)
        payload.truncated = document["truncated"] == .bool(true)
        return payload
    }

    private static func context(accountID: String, sessionID: String, turnID: String) -> [(String, String)] {
        [("record", "turn"), ("account_id", accountID), ("session_id", sessionID), ("turn_id", turnID)]
    }
}
