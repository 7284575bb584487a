import Crypto
import Foundation
@testable import MaskerCore
import Testing

struct UTCTimestampTests {
    @Test func formatsAndParsesKnownInstants() {
        #expect(UTCTimestamp.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(UTCTimestamp.format(milliseconds: 946_684_799_999) == "1999-12-31T23:59:59.999Z")
        #expect(UTCTimestamp.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        for millis: Int64 in [0, 1_709_164_800_123, 4_102_444_799_999] {
            let text = UTCTimestamp.format(milliseconds: millis)
            #expect(UTCTimestamp.parse(text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == millis)
        }
        #expect(UTCTimestamp.parse("2026-13-01T00:00:00.000Z") == nil)
        #expect(UTCTimestamp.parse("2026-11-22") == nil)
    }
}

struct SortableIDTests {
    @Test func idsSortInCreationOrderEvenWithinOneMillisecond() {
        var generator = SortableIDGenerator()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let ids = (0..<1000).map { generator.next(prefix: "evt", now: $0 < 500 ? now : now.addingTimeInterval(0.001)) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("evt_") && $0.count == 30 })
    }
}

struct ReportSignatureTests {
    let key = Curve25519.Signing.PrivateKey()

    @Test func aSignedReportVerifiesAndAnyEditBreaksIt() throws {
        let report = JSONValue.object([("report", .string("masker-audit-report")), ("counts", .object([("PHONE", .int(3))]))])
        let signed = try ReportSignature.sign(report, with: key)
        let publicKey = key.publicKey.rawRepresentation.base64EncodedString()
        #expect(try ReportSignature.verify(signed) == publicKey)
        #expect(try ReportSignature.verify(JSONParser.parse(signed.serialized(indent: 2)), trusting: publicKey) == publicKey)
        let edited = try JSONParser.parse(signed.serialized().replacingOccurrences(of: "\"PHONE\":3", with: "\"PHONE\":4"))
        #expect(throws: ReportSignature.Failure.mismatch) { try ReportSignature.verify(edited) }
        let stranger = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()
        #expect(throws: ReportSignature.Failure.untrustedKey) { try ReportSignature.verify(signed, trusting: stranger) }
        #expect(throws: ReportSignature.Failure.unsigned) { try ReportSignature.verify(report) }
    }
}
