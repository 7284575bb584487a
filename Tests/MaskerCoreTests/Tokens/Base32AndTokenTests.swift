import Foundation
import MaskerCore
import Testing

struct Base32Tests {
    @Test(arguments: [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
                      ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")])
    func rfc4648Vectors(_ plain: String, _ encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test func roundTripsArbitraryBytes() {
        var generator = SplitMix64(state: 32)
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: ["mzxw6", "MZXW6===", "MZ1W6", "MZXW8", "M", "MZX", "MZXW6Y", "MZ"])
    func decodingIsStrict(_ text: String) {
        #expect(Base32.decode(text) == nil)
    }
}

struct MaskTokenTests {
    @Test func parsesAndPrintsTheGrammar() throws {
        let token = try #require(MaskToken.parse("MSK1.PHONE.K_HEALTHCARE.MZXW6YTBOI"))
        #expect(token.scheme == .aead && token.kind == .phone && token.kid == "K_HEALTHCARE" && token.body == "MZXW6YTBOI")
        #expect(token.description == "MSK1.PHONE.K_HEALTHCARE.MZXW6YTBOI")
        #expect(MaskToken.parse("MSKV1.IP_ADDRESS.k2.AB")?.kind == .ipAddress)
    }

    @Test(arguments: ["MSK2.PHONE.K.AB", "MSK1.PHONEY.K.AB", "MSK1.PHONE.K-1.AB", "MSK1.PHONE.K.ab", "MSK1.PHONE.K.",
                      "MSK1.PHONE.K.AB.CD", "MSK1.PHONE.K_OLD.AB", "msk1.PHONE.K.AB"])
    func rejectsEverythingElse(_ text: String) {
        #expect(MaskToken.parse(text) == nil)
    }
}

struct TokenScannerTests {
    @Test func findsTokensAndStopsAtTheBody() {
        let text = "Call MSK1.PHONE.K.MZXW6YTBOI. Or email MSKV1.EMAIL.K.AAAA, thanks"
        let matches = TokenScanner.matches(in: text)
        #expect(matches.count == 2)
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[matches[0].start..<matches[0].end], as: UTF8.self) == "MSK1.PHONE.K.MZXW6YTBOI")
        #expect(String(decoding: bytes[matches[1].start..<matches[1].end], as: UTF8.self) == "MSKV1.EMAIL.K.AAAA")
    }

    @Test func tokenShapedTextWithABadFieldIsStillAMatch() throws {
        let match = try #require(TokenScanner.matches(in: "see MSK1.PHNOE.K.AAAA").first)
        #expect(match.token == nil && match.kindText == nil)
    }

    @Test func ignoresLookalikes() {
        #expect(TokenScanner.matches(in: "MSK1 alone and msk1.phone.k.aaaa and MSK1.PHONE.K. and MSKV2.PHONE.K.AAAA").isEmpty)
    }

    /// A token glued to a word (`fax\nMSKV1…`, a tool that escaped a newline), cut by invisible
    /// characters, or followed by capitals: found all the same, with the invisible characters
    /// inside the match and the capitals outside a vault token's 26-character body.
    @Test func findsTokensWhereverTheySit() throws {
        let body = String(repeating: "A", count: 26)
        let glued = try #require(TokenScanner.matches(in: "fax\\nMSKV1.FAX.K.\(body)").first)
        #expect(glued.token?.kind == .fax && glued.start == 5)
        let split = "call MSKV1.PH\u{200B}ONE.K.\(body.prefix(10))\u{00AD}\(body.dropFirst(10)) now"
        let match = try #require(TokenScanner.matches(in: split).first)
        #expect(match.token?.description == "MSKV1.PHONE.K.\(body)")
        #expect(Array(split.utf8)[match.start..<match.end].count == 14 + 26 + 3 + 2)
        let followed = try #require(TokenScanner.matches(in: "MSKV1.NAME.K.\(body)XYZ").first)
        #expect(followed.token?.body == body && followed.end == 13 + 26)
    }

    @Test func neverCrashesOnArbitraryText() {
        var generator = SplitMix64(state: 7)
        let alphabet = Array("MSKV1._ABZ27é🙂 \n")
        for _ in 0..<5_000 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            for match in TokenScanner.matches(in: text) {
                #expect(match.start < match.end && match.end <= text.utf8.count)
            }
        }
    }
}
