import Foundation
import MaskerCore
import Testing

@testable import MaskerServer

/// The portal's Transcripts page: a recording uploaded through the form comes back by speaker,
/// masked, with the masked spans highlighted in what was heard; a form without the page's CSRF
/// token is refused; nothing of the page is kept.
@Suite(.serialized) struct PortalTranscriptTests {
    @Test func aRecordingUploadedThroughThePageIsShownMasked() async throws {
        let server = try await TestServer()
        try await server.createUser("alice", password: PortalTests.password)
        var browser = PortalTests.Browser()
        _ = try await PortalTests.logIn(&browser, server)
        let form = try await browser.go(.GET, server.base + "/transcripts")
        #expect(form.status == 200 && form.text.contains("enctype=\"multipart/form-data\"") && form.text.contains("aria-current=\"page\">Transcripts"))
        let csrf = try #require(form.csrf)
        let page = try await browser.go(.POST, server.base + "/transcripts", multipart: [
            ("csrf_token", Array(csrf.utf8), nil), ("caller_speaks", Array("second".utf8), nil), ("channel_map", Array("caller,agent".utf8), nil),
            ("agent_id", [], nil), ("file", TranscriptRoutesTests.call, "call.wav"),
        ])
        #expect(page.status == 200, "\(page.text)")
        #expect(page.text.contains("<mark class=\"k-PHONE\"") && page.text.contains("The recording was not kept"), "\(page.text)")
        let masked = page.text.components(separatedBy: "<td class=\"masked\">").dropFirst().map { $0.components(separatedBy: "</td>")[0] }.joined()
        #expect(masked.contains("MSKV1.PHONE.") && !masked.contains("six one seven"), "\(masked)")
        #expect(!server.logs.text.contains("six one seven"))

        let forged = try await browser.go(.POST, server.base + "/transcripts", multipart: [("file", TranscriptRoutesTests.call, "call.wav")])
        #expect(forged.status == 403)
        try await browser.shutdown()
        try await server.stop()
    }
}
