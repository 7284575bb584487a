import Foundation

/// What a surrogate may keep of its original's locale (its state, ZIP area, area code's state, the
/// likely sex of a first name), under the policy's `epsilon` and `synthetic.k`.
///
/// - A category (a state, a sex) that `k` or more distinct originals of the session window share
///   is *common*: the surrogate keeps it (the empirical distribution), since it singles nobody out.
/// - A rarer category goes through k-ary randomized response: it is kept with probability
///   `e^ε / (e^ε + m − 1)` and otherwise replaced by one of the other `m − 1` categories chosen
///   uniformly. Whatever the original, every output is at most `e^ε` times likelier under one
///   original category than under another: ε-local differential privacy for the category.
/// - With `preserve_locale: false` nothing is kept: the category is drawn from the public
///   distribution whatever the original was.
///
/// docs/synthetic.md states the guarantee and its limits; the tests measure the keep rate.
struct LocaleMechanism: Sendable {
    let epsilon: Double
    let k: Int
    let preserve: Bool

    static func keepProbability(epsilon: Double, categories: Int) -> Double {
        guard categories > 1 else { return 1 }
        let weight = exp(epsilon)
        return weight / (weight + Double(categories - 1))
    }

    enum Outcome: Equatable { case kept, randomized, publicDraw }

    /// The category the surrogate uses. `seen` is how many distinct originals in the window
    /// (this one included) share the true category; nil `original` (unknown to the tables) is
    /// treated as rare and drawn from the public distribution.
    func choose(original: String?, seen: Int, categories: [String], random: inout SurrogateRandom,
                publicDraw: (inout SurrogateRandom) -> String) -> (category: String, outcome: Outcome) {
        guard preserve, let original, categories.contains(original) else { return (publicDraw(&random), .publicDraw) }
        if seen >= k { return (original, .kept) }
        if random.chance(Self.keepProbability(epsilon: epsilon, categories: categories.count)) { return (original, .kept) }
        // One of the other m - 1, uniformly: draw among m - 1 slots and step over the original's.
        guard categories.count > 1, let position = categories.firstIndex(of: original) else { return (original, .kept) }
        let draw = random.below(categories.count - 1)
        return (categories[draw >= position ? draw + 1 : draw], .randomized)
    }
}
