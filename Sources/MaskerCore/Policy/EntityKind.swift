/// A kind of PHI Masker can detect. The raw value is the spelling used in policies, tokens
/// (`MSKV1.PHONE.…`) and audit records, so it must never change once shipped.
public enum EntityKind: String, CaseIterable, Sendable, Codable, Comparable {
    case name = "NAME"
    case address = "ADDRESS"
    case dob = "DOB"
    case date = "DATE"
    case age = "AGE"
    case phone = "PHONE"
    case fax = "FAX"
    case email = "EMAIL"
    case ssn = "SSN"
    case mrn = "MRN"
    case healthPlan = "HEALTH_PLAN"
    case account = "ACCOUNT"
    case license = "LICENSE"
    case vehicle = "VEHICLE"
    case device = "DEVICE"
    case url = "URL"
    case ipAddress = "IP_ADDRESS"
    case otherID = "OTHER_ID"

    public var safeHarborCategory: SafeHarborCategory {
        switch self {
        case .name: return .a
        case .address: return .b
        case .dob, .date, .age: return .c
        case .phone: return .d
        case .fax: return .e
        case .email: return .f
        case .ssn: return .g
        case .mrn: return .h
        case .healthPlan: return .i
        case .account: return .j
        case .license: return .k
        case .vehicle: return .l
        case .device: return .m
        case .url: return .n
        case .ipAddress: return .o
        case .otherID: return .r
        }
    }

    /// Declaration order, which is also the order policies are shown and diffed in.
    public static func < (lhs: EntityKind, rhs: EntityKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
