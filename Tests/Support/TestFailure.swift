/// A test's own precondition that did not hold (a server that did not start, an answer without
/// the expected field), thrown so the test fails with this description.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
