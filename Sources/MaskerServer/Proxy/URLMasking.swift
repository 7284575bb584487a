import Foundation

/// An image URL with PHI in it (`https://cdn.example/p/sarah-chen.jpg?name=Sarah&phone=415…`):
/// the scheme and host stay, so the model can still fetch the image; each path segment is masked
/// as text and each query value with its parameter's name as context, percent-encoded again. A
/// URL that does not parse is masked whole, as text.
enum URLMasking {
    typealias Mask = (String) throws -> String?
    typealias MaskKeyed = (_ value: String, _ key: String) throws -> String?

    static func mask(_ text: String, prose: Mask, keyed: MaskKeyed) throws -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host != nil else {
            return try prose(text) ?? text
        }
        var rebuilt = components
        let segments = components.percentEncodedPath.split(separator: "/", omittingEmptySubsequences: false)
        rebuilt.percentEncodedPath = try segments.map { segment -> String in
            guard !segment.isEmpty, let decoded = String(segment).removingPercentEncoding else { return String(segment) }
            guard let masked = try prose(decoded), masked != decoded else { return String(segment) }
            return encode(masked, allowed: .urlPathAllowed)
        }.joined(separator: "/")
        if let query = components.percentEncodedQuery {
            rebuilt.percentEncodedQuery = try query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[0])
                guard parts.count == 2 else {
                    guard let masked = try prose(name), masked != name else { return String(pair) }
                    return encode(masked, allowed: queryAllowed)
                }
                let value = parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1])
                guard let masked = try keyed(value, name), masked != value else { return String(pair) }
                return String(parts[0]) + "=" + encode(masked, allowed: queryAllowed)
            }.joined(separator: "&")
        }
        if let fragment = components.fragment, let masked = try prose(fragment), masked != fragment {
            rebuilt.percentEncodedFragment = encode(masked, allowed: .urlFragmentAllowed)
        }
        return rebuilt.string ?? text
    }

    /// Query text without the characters that separate parameters.
    private static let queryAllowed: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+")
        return allowed
    }()

    private static func encode(_ text: String, allowed: CharacterSet) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
