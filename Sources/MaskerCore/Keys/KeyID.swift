/// Rules for key ids. A kid appears in an environment variable name (`MASKER_KEY_<kid>`) and inside
/// every token (`MSKV1.PHONE.<kid>.…`, dot-separated), so it is restricted to letters, digits and
/// underscores, and may not end in `_OLD`, which names the retiring key of a rotation.
public enum KeyID {
    public static let maxLength = 64

    /// nil when `kid` is acceptable; otherwise what is wrong with it.
    public static func problem(with kid: String) -> String? {
        let allowed = kid.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
        }
        if kid.isEmpty || kid.count > maxLength || !allowed {
            return "kid \"\(kid)\" must be 1 to \(maxLength) letters, digits or underscores"
        }
        if kid.hasSuffix(KeyRing.previousSuffix) {
            return "kid \"\(kid)\" ends in \(KeyRing.previousSuffix), which marks a retiring key"
        }
        return nil
    }
}
