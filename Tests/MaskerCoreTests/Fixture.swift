import Foundation
import MaskerTestSupport

/// Fixtures live beside the tests, in Fixtures/.
enum Fixture {
    static func text(_ relativePath: String) throws -> String {
        try Repository.text("Tests/MaskerCoreTests/Fixtures/\(relativePath)")
    }

    static func repositoryText(_ relativePath: String) throws -> String {
        try Repository.text(relativePath)
    }
}
