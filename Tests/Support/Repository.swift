import Foundation

/// Paths inside this repository, for tests that read shipped files and fixtures.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// A policy fixture under Tests/MaskerCoreTests/Fixtures/policies.
    public static func policyFixture(_ name: String) -> String {
        url("Tests/MaskerCoreTests/Fixtures/policies/\(name)").path
    }
}
