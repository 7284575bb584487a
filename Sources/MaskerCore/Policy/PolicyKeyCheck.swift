/// The environment-dependent half of validation: does the key the policy names exist and decode?
/// Kept apart from `PolicyParser` because the same file is valid on a server that has the key and
/// invalid on a laptop that does not.
public enum PolicyKeyCheck {
    public static func issues(for policy: Policy, kidLocation: SourcePosition, keyRing: KeyRing,
                              keyErrors: [KeyRingError], devMode: Bool) -> [PolicyIssue] {
        let variable = KeyRing.variableName(for: policy.kid)
        if let error = keyErrors.first(where: { $0.variable == variable }) {
            return [PolicyIssue(.invalidKey, path: "kid", at: kidLocation, message: error.description,
                                fix: "set \(variable) to the output of `masker keys generate --kid \(policy.kid)` (base64 of 32 random bytes)")]
        }
        // Synthetic surrogates are drawn with no key (a seed, or a random one never stored), so a
        // synthetic policy is usable without one; a key that is set must still decode (above).
        guard !keyRing.hasCurrentKey(for: policy.kid), policy.tokenization != .synthetic else { return [] }
        let devHint = devMode
            ? "; with MASKER_DEV=1 a development key is generated on first use (e.g. `masker policy show` does not, `masker serve` will)"
            : ", or run with MASKER_DEV=1 to use a generated development key"
        return [PolicyIssue(.unknownKid, path: "kid", at: kidLocation,
                            message: "no \(variable) in the environment for kid \"\(policy.kid)\"",
                            fix: "export the line printed by `masker keys generate --kid \(policy.kid)`\(devHint)")]
    }
}
