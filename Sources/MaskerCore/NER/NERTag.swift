/// The tagger's labels: begin/inside of a NAME or an ADDRESS span, or outside (BIO encoding).
public enum NERTag: Int, Sendable, CaseIterable {
    case outside = 0
    case beginName, insideName, beginAddress, insideAddress

    static let count = NERTag.allCases.count

    var kind: EntityKind? {
        switch self {
        case .outside: return nil
        case .beginName, .insideName: return .name
        case .beginAddress, .insideAddress: return .address
        }
    }

    var isBegin: Bool { self == .beginName || self == .beginAddress }
    var isInside: Bool { self == .insideName || self == .insideAddress }

    static func begin(_ kind: EntityKind) -> NERTag? { kind == .name ? .beginName : kind == .address ? .beginAddress : nil }
    static func inside(_ kind: EntityKind) -> NERTag? { kind == .name ? .insideName : kind == .address ? .insideAddress : nil }

    /// `I-X` only continues an `X` span: a decoder that picks it elsewhere gets `B-X` instead.
    func allowed(after previous: NERTag) -> Bool {
        guard isInside else { return true }
        return previous.kind == kind
    }

    /// Names written into the model file, so a file made for other labels is refused.
    static let fileLabels = "O,B-NAME,I-NAME,B-ADDRESS,I-ADDRESS"
}
