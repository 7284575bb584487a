import Foundation
import MaskerCore
import MaskerServer
import MaskerTestSupport
import Testing

/// The portal in Debian's Chromium, driven by Selenium (Tests/e2e/portal_browser.py, run from the
/// virtualenv `scripts/setup.sh` builds, which also installs `chromium` and `chromium-driver`):
/// log in, the agent wizard, a call with the `openai` client, the session's four panels, a broken
/// policy's line, audit verification, a report made and downloaded, a token revoked. Screenshots
/// of each page go to `.build/portal-screenshots` (not committed). Bounded: the browser run is
/// stopped after four minutes.
@Suite(.serialized)
struct PortalBrowserTests {
    static let screenshots = Repository.root.appendingPathComponent(".build/portal-screenshots")

    @Test func theWholePortalWorksInARealBrowser() async throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver", PythonScript.python.path] {
            #expect(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: run scripts/setup.sh")
        }
        let server = try await TestServer { $0.rateLimitPerMinute = 0 }
        try await server.createUser("alice", password: PortalTests.password)
        try? FileManager.default.removeItem(at: Self.screenshots)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("masker-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let run = try await PythonScript.run("portal_browser.py", [server.base, "alice", PortalTests.password, Self.screenshots.path],
                                             environment: ["HOME": home.path, "SE_AVOID_STATS": "true"])
        #expect(run.code == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))")
        for step in ["log in", "wizard", "openai client", "four panels", "broken policy", "audit chain verified", "report made",
                     "token created and revoked", "playground", "recording transcribed"] {
            #expect(run.stdout.contains(step), "the browser run did not get to: \(step)")
        }
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: Self.screenshots.path)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 15, "\(shots)")
        // What the browser saw of the session is what was kept; no log line holds the call's text.
        #expect(!server.logs.text.contains("415-555-2671"))
        try await server.stop()
    }
}
