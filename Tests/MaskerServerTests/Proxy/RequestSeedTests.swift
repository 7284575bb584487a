import Crypto
import MaskerCore
@testable import MaskerServer
import Testing

/// A request's seed reaches the model as a keyed hash of itself: repeatable, and nothing of it.
struct RequestSeedTests {
    let key = SymmetricKey(size: .bits256)

    func seed(_ request: JSONValue, key: SymmetricKey?) -> JSONValue? { RequestSeed.replacing(request, key: key)["seed"] }

    @Test func theSameSeedGivesTheSameReplacementAndNothingOfItself() throws {
        let request = JSONValue.object([("model", .string("m")), ("seed", .int(4155552671))])
        let first = try #require(seed(request, key: key)), again = try #require(seed(request, key: key))
        #expect(first == again && first != .int(4155552671))
        guard case let .int(value) = first else { Issue.record("not an integer: \(first)"); return }
        #expect((0..<(1 << 31)).contains(value))
        #expect(seed(.object([("seed", .int(4155552672))]), key: key) != first)
        #expect(seed(request, key: SymmetricKey(size: .bits256)) != first)
    }

    @Test func noSeedANullSeedAndNoKey() {
        let plain = JSONValue.object([("model", .string("m"))])
        #expect(RequestSeed.replacing(plain, key: key) == plain)
        #expect(seed(.object([("seed", .null)]), key: key) == .null)
        #expect(seed(.object([("seed", .int(42))]), key: nil) == nil)
    }
}
