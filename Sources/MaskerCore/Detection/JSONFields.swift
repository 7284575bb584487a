/// Every string of an arbitrary JSON value, every key, and every number that could be an
/// identifier, each offered to a transform with the key it sits under (`KeyedValue`): how JSON
/// data is masked (request metadata, tool-call arguments and results, unknown request fields,
/// `masker mask` on a JSON document). The document keeps its shape: a masked number becomes a
/// string (its token), everything not replaced stays exactly as it was.
///
/// Numbers offered: integers of four digits or more (a phone number, an MRN, a ZIP written as a
/// number), and any number under a key that names a kind (`"age"` aside, which detection decides).
/// Keys are offered as plain text unless they name a kind themselves (`"phone"` is a key, not PHI).
/// An array's elements sit under the array's key.
public enum JSONFields {
    public enum Role: Sendable { case value, key }

    /// `transform` returns the replacement text, or nil to keep the original.
    public static func rewrite(_ value: JSONValue, key: String?, _ transform: (KeyedValue, Role) throws -> String?) rethrows -> JSONValue {
        switch value {
        case let .string(text):
            return try transform(KeyedValue(text, key: key), .value).map(JSONValue.string) ?? value
        case let .int(number):
            guard number.magnitude >= 1000 || hasKind(key) else { return value }
            return try replacedNumber(String(number), key: key, value, transform)
        case let .uint(number):
            return try replacedNumber(String(number), key: key, value, transform)
        case let .double(number):
            guard hasKind(key), number.isFinite else { return value }
            return try replacedNumber(value.serialized(), key: key, value, transform)
        case let .array(items):
            return .array(try items.map { try rewrite($0, key: key, transform) })
        case let .object(members):
            return .object(try members.map { member, item in
                let newKey = FieldKey.kind(member) == nil ? try transform(KeyedValue(plain: member), .key) ?? member : member
                return (newKey, try rewrite(item, key: member, transform))
            })
        case .null, .bool:
            return value
        }
    }

    private static func hasKind(_ key: String?) -> Bool {
        guard let key, let kind = FieldKey.kind(key) else { return false }
        return kind != .age
    }

    private static func replacedNumber(_ text: String, key: String?, _ original: JSONValue,
                                       _ transform: (KeyedValue, Role) throws -> String?) rethrows -> JSONValue {
        guard let replaced = try transform(KeyedValue(text, key: key), .value), replaced != text else { return original }
        return .string(replaced)
    }
}
