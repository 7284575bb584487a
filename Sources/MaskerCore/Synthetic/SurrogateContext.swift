import Foundation

/// What one session remembers so its surrogates stay consistent: every original's surrogate, the
/// name parts on their own (so a later "Sarah" or "Ms. Chen" follows "Sarah Chen"), the surrogates
/// already handed out (two originals never share one), and which originals share a locale
/// category (for the `k` rule).
struct SessionMemory {
    /// Surface form ("PHONE|(415) 555-2671") → its surrogate.
    var values: [String: String] = [:]
    /// Value → the attempt its surrogate was drawn with (a retry after a collision sticks).
    var attempts: [String: Int] = [:]
    /// Surrogate → the value it stands for, so two values never share one.
    var owners: [String: String] = [:]
    /// Value and category kind → the category the locale mechanism chose, so every form of one
    /// value keeps the same locale whatever the counts did in between.
    var decisions: [String: String] = [:]
    /// Name parts the current attempt added, so a surrogate drawn again after a collision (an
    /// email whose made-up name another email already has) does not keep the colliding part.
    var newNameParts: [(first: Bool, key: String)] = []
    var firstNames: [String: String] = [:]
    var surnames: [String: String] = [:]
    /// Category ("state:WA", "sex:female") → distinct originals seen with it, at most `k` kept:
    /// counting past `k` changes nothing.
    var members: [String: Set<String>] = [:]

    /// Records `original` under `category` and returns how many distinct originals share it.
    mutating func see(_ category: String, original: String, k: Int) -> Int {
        var set = members[category] ?? []
        if set.count < k { set.insert(original) }
        members[category] = set
        return set.count
    }
}

/// Everything a generator needs for one surrogate.
struct SurrogateContext {
    var random: SurrogateRandom
    let tables: SurrogateTables
    let mechanism: LocaleMechanism
    /// Every date of the session moves by this many days (never zero), so intervals between dates
    /// and ages computed from them stay true.
    let dateShiftDays: Int
    /// The original as the session knows it: normalised as the vault normalises values
    /// ("+14155552671", "sarah.chen@gmail.com"), lowercased for names and addresses.
    let normalized: String
    /// Kind and normalised value: the key the session counts and remembers the original by.
    let identity: String

    /// The category a surrogate keeps, under the locale mechanism, after counting this original.
    mutating func category(_ prefix: String, original: String?, categories: [String], memory: inout SessionMemory,
                           publicDraw: (inout SurrogateRandom) -> String) -> String {
        let decision = identity + "#" + prefix
        if let decided = memory.decisions[decision] { return decided }
        let seen = original.map { memory.see("\(prefix):\($0)", original: identity, k: mechanism.k) } ?? 0
        let chosen = mechanism.choose(original: original, seen: seen, categories: categories, random: &random, publicDraw: publicDraw).category
        memory.decisions[decision] = chosen
        return chosen
    }
}

/// Capitalisation carried from an original word to its replacement.
enum CaseStyle {
    case lower, upper, capitalized

    init(_ word: some StringProtocol) {
        var letters = 0, upper = 0
        var firstIsUpper: Bool?
        for scalar in word.unicodeScalars {
            let isUpper: Bool
            if scalar.isASCII {
                let value = scalar.value
                guard (65...90).contains(value) || (97...122).contains(value) else { continue }
                isUpper = value <= 90
            } else {
                guard scalar.properties.isAlphabetic else { continue }
                isUpper = scalar.properties.isUppercase
            }
            letters += 1
            if isUpper { upper += 1 }
            if firstIsUpper == nil { firstIsUpper = isUpper }
        }
        if letters > 1, upper == letters {
            self = .upper
        } else if firstIsUpper == true {
            self = .capitalized
        } else {
            self = .lower
        }
    }

    func apply(_ word: String) -> String {
        switch self {
        case .lower: word.lowercased()
        case .upper: word.uppercased()
        // The rest as the table spells it: "Cooper Landing", "McAllen".
        case .capitalized: word.prefix(1).uppercased() + word.dropFirst()
        }
    }
}
