import Foundation
import MaskerTestSupport

/// Runs a script of `Tests/e2e/` with the virtualenv `scripts/setup.sh` builds (the `openai`
/// client, Selenium), off the cooperative pool (the server under test needs those threads), and
/// stops it if it runs past `timeout` seconds.
enum PythonScript {
    static let python = Repository.root.appendingPathComponent(".build/python-e2e/bin/python")

    static func run(_ script: String, _ arguments: [String], stdin: String = "", environment: [String: String] = [:],
                    timeout: Double = 240) async throws -> (code: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let process = Process()
                    process.executableURL = python
                    process.arguments = [Repository.root.appendingPathComponent("Tests/e2e/\(script)").path] + arguments
                    process.environment = ["PATH": "/usr/bin:/bin", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"]
                        .merging(environment) { _, given in given }
                    let out = Pipe(), err = Pipe(), input = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    process.standardInput = input
                    try process.run()
                    // SIGKILL: a child of the test runner may inherit a signal mask that holds SIGTERM.
                    let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
                    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
                    input.fileHandleForWriting.write(Data(stdin.utf8))
                    try input.fileHandleForWriting.close()
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
