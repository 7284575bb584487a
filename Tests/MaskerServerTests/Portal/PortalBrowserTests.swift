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
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver", OpenAIClientTests.python.path] {
            #expect(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: run scripts/setup.sh")
        }
        let server = try await TestServer { $0.rateLimitPerMinute = 0 }
        try await server.createUser("alice", password: PortalTests.password)
        try? FileManager.default.removeItem(at: Self.screenshots)
        let run = try await Self.runBrowser([server.base, "alice", PortalTests.password, Self.screenshots.path])
        #expect(run.code == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))")
        for step in ["log in", "wizard", "openai client", "four panels", "broken policy", "audit chain verified", "report made",
                     "token created and revoked", "playground"] {
            #expect(run.stdout.contains(step), "the browser run did not get to: \(step)")
        }
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: Self.screenshots.path)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 15, "\(shots)")
        // What the browser saw of the session is what was kept; no log line holds the call's text.
        #expect(!server.logs.text.contains("415-555-2671"))
        try await server.stop()
    }

    /// Runs the script off the cooperative pool (the server under test needs those threads), and
    /// stops it if it runs past four minutes.
    static func runBrowser(_ arguments: [String]) async throws -> (code: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let home = FileManager.default.temporaryDirectory.appendingPathComponent("masker-chromium-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
                    defer { try? FileManager.default.removeItem(at: home) }
                    let process = Process()
                    process.executableURL = OpenAIClientTests.python
                    process.arguments = [Repository.root.appendingPathComponent("Tests/e2e/portal_browser.py").path] + arguments
                    process.environment = ["PATH": "/usr/bin:/bin", "HOME": home.path, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1",
                                           "SE_AVOID_STATS": "true"]
                    let out = Pipe(), err = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    try process.run()
                    let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
                    DispatchQueue.global().asyncAfter(deadline: .now() + 240, execute: watchdog)
                    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    watchdog.cancel()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: stdout, as: UTF8.self),
                                                    String(decoding: stderr, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
