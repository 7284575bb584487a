/// The identifier categories of HIPAA's Safe Harbor method, 45 CFR 164.514(b)(2)(i)(A)–(R).
///
/// Kept as data so the validator can say which categories a policy leaves uncovered and the audit
/// report can print the coverage matrix from the same table.
public enum SafeHarborCategory: String, CaseIterable, Sendable, Codable {
    case a = "A", b = "B", c = "C", d = "D", e = "E", f = "F", g = "G", h = "H", i = "I"
    case j = "J", k = "K", l = "L", m = "M", n = "N", o = "O", p = "P", q = "Q", r = "R"

    public var title: String {
        switch self {
        case .a: return "names"
        case .b: return "geographic subdivisions smaller than a state"
        case .c: return "dates more precise than a year, ages over 89"
        case .d: return "telephone numbers"
        case .e: return "fax numbers"
        case .f: return "email addresses"
        case .g: return "social security numbers"
        case .h: return "medical record numbers"
        case .i: return "health plan beneficiary numbers"
        case .j: return "account numbers"
        case .k: return "certificate / licence numbers"
        case .l: return "vehicle identifiers and serial numbers, licence plates"
        case .m: return "device identifiers and serial numbers"
        case .n: return "web URLs"
        case .o: return "IP addresses"
        case .p: return "biometric identifiers"
        case .q: return "full-face photographs"
        case .r: return "any other unique identifying number, characteristic or code"
        }
    }

    /// The kinds that carry this category in text. Empty for categories text cannot carry.
    public var kinds: [EntityKind] {
        EntityKind.allCases.filter { $0.safeHarborCategory == self }
    }
}
