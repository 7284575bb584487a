/// IP_ADDRESS and URL: addresses from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
/// 203.0.113.0/24 for IPv4, 2001:db8::/32 for IPv6), which route nowhere; URLs keep their scheme,
/// path shape and query keys on a reserved domain (example.com, .org, .net).
enum NetworkSurrogate {
    static func ip(_ original: String, _ context: inout SurrogateContext) -> String {
        if original.contains(":") {
            let groups = (0..<3).map { _ in String(context.random.below(0x10000), radix: 16) }
            return "2001:db8:" + groups.joined(separator: ":") + "::" + String(context.random.integer(in: 1...0xffff), radix: 16)
        }
        let network = context.random.pick(["192.0.2", "198.51.100", "203.0.113"])
        return network + "." + String(context.random.integer(in: 1...254))
    }

    static func url(_ original: String, _ context: inout SurrogateContext) -> String {
        var rest = Substring(original)
        var scheme = ""
        if let range = rest.range(of: "://") {
            scheme = String(rest[..<range.upperBound])
            rest = rest[range.upperBound...]
        }
        let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let host = rest[..<hostEnd].lowercased()
        let tld = host.hasSuffix(".org") ? "org" : (host.hasSuffix(".net") ? "net" : "com")
        let www = host.hasPrefix("www.") ? "www." : ""
        var tail = ""
        var inQueryKey = false
        for character in rest[hostEnd...] {
            switch character {
            case "?", "&": inQueryKey = true; tail.append(character)
            case "=": inQueryKey = false; tail.append(character)
            case "/", "#", ".", "-", "_": tail.append(character)
            default:
                if inQueryKey { tail.append(character) }   // parameter names are the site's, not the person's
                else if character.isNumber { tail.append(context.random.digit()) }
                else if character.isLetter {
                    let letter = Character(Unicode.Scalar(UInt8(97 + context.random.below(26))))
                    tail.append(character.isUppercase ? Character(letter.uppercased()) : letter)
                } else { tail.append(character) }
            }
        }
        return scheme + www + "example." + tld + tail
    }
}
