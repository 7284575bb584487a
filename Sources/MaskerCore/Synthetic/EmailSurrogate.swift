/// EMAIL: a local part built from the session's surrogate names when the original's local part
/// holds a name the session has replaced ("sarah.chen" → "maria.lopez"), else from a fresh public
/// name, with the original's separator and digit count; the domain is a reserved one
/// (example.com, .org or .net after the original's ending). A spoken address stays spoken:
/// "sarah dot chen at gmail dot com" → "maria dot lopez at example dot com".
enum EmailSurrogate {
    static func make(_ original: String, _ context: inout SurrogateContext, _ memory: inout SessionMemory) -> String {
        let spoken = !original.contains("@")
        // The session normalised the original already ("sarah.chen@gmail.com"): spoken addresses
        // arrive written, so the surrogate is built once, then said back if need be.
        let canonical = context.normalized.lowercased()
        let halves = canonical.split(separator: "@", maxSplits: 1).map(String.init)
        let local = halves.first ?? canonical
        let domain = halves.count > 1 ? halves[1] : ""
        let separator: Character? = local.first { $0 == "." || $0 == "_" || $0 == "-" }
        let pieces = local.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map(String.init)
        var names: [String] = []
        for piece in pieces {
            let letters = piece.filter(\.isLetter)
            guard !letters.isEmpty else { continue }
            if let known = memory.firstNames[letters] ?? memory.surnames[letters] {
                names.append(known.lowercased())
            } else if names.isEmpty {
                names.append(NameSurrogate.firstName(letters, &context, &memory).lowercased())
            } else {
                names.append(NameSurrogate.surname(letters, &context, &memory).lowercased())
            }
        }
        if names.isEmpty { names = [NameSurrogate.surname(local, &context, &memory).lowercased()] }
        let digits = String(local.filter(\.isNumber).map { _ in context.random.digit() })
        var newLocal = separator.map { names.joined(separator: String($0)) } ?? names.joined()
        newLocal += digits
        let tld = domain.hasSuffix(".org") ? "org" : (domain.hasSuffix(".net") ? "net" : "com")
        guard spoken else {
            let styled = original.first?.isUppercase == true ? newLocal.prefix(1).uppercased() + newLocal.dropFirst() : newLocal
            return styled + "@example." + tld
        }
        let spokenLocal = newLocal.map { character -> String in
            switch character {
            case ".": " dot "
            case "_": " underscore "
            case "-": " dash "
            default: character.isNumber ? " " + SlotTemplate.digitWords[Int(String(character))!] + " " : String(character)
            }
        }.joined().split(separator: " ").joined(separator: " ")
        return spokenLocal + " at example dot " + tld
    }
}
