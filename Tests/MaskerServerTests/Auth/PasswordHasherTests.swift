import Foundation
import MaskerServer
import Testing

struct PasswordHasherTests {
    let cheap = PasswordHasher(logRounds: 10, blockSize: 8, parallelism: 1)

    @Test func verifiesOnlyTheRightPassword() throws {
        let hash = try cheap.hash("a long enough password")
        #expect(hash.hasPrefix("scrypt$10$8$1$"))
        #expect(!hash.contains("a long enough password"))
        #expect(PasswordHasher.verify("a long enough password", against: hash))
        #expect(!PasswordHasher.verify("a long enough passworD", against: hash))
        #expect(!PasswordHasher.verify("", against: hash))
    }

    @Test func samePasswordGetsADifferentSaltEachTime() throws {
        #expect(try cheap.hash("same password here") != cheap.hash("same password here"))
    }

    @Test func malformedOrAbusiveHashesAreFalseNotCrashes() {
        for stored in ["", "scrypt", "bcrypt$10$8$1$AAAA$AAAA", "scrypt$40$8$1$AAAA$AAAA", "scrypt$10$8$1$!!$!!",
                       "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"] {
            #expect(!PasswordHasher.verify("anything at all", against: stored), "\(stored)")
        }
    }
}
