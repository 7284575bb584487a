import Foundation
import MaskerTestSupport

/// `masker serve` as a child process on a kernel-chosen loopback port, as a user would run it:
/// started with its own environment, found ready by its "listening on" line, stopped with SIGTERM.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let dataDirectory: ScratchDirectory
    private let output = Buffer()

    /// What the server printed so far; written by the drain thread, read by tests.
    final class Buffer: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        private var port: Int?
        func append(_ data: Data) -> String { lock.withLock { text += String(decoding: data, as: UTF8.self); return text } }
        var value: String { lock.withLock { text } }
        var foundPort: Int? {
            get { lock.withLock { port } }
            set { lock.withLock { port = newValue } }
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var log: String { output.value }

    init(environment extra: [String: String] = [:]) throws {
        dataDirectory = try ScratchDirectory()
        process.executableURL = MaskerProcess.binDirectory.appendingPathComponent("masker")
        process.arguments = ["serve"]
        process.currentDirectoryURL = Repository.root
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                           "HOME": dataDirectory.url.path, "MASKER_DEV": "1", "MASKER_DATA_DIR": dataDirectory.url.path,
                           "MASKER_LISTEN_ADDR": "127.0.0.1:0"]
        environment.merge(extra) { $1 }
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = err
        try process.run()
        let ready = DispatchSemaphore(value: 0)
        let output = self.output
        // Drains the pipe for the server's whole life (a full pipe would block it) and notes the port.
        Thread.detachNewThread {
            let handle = err.fileHandleForReading
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                let text = output.append(data)
                if output.foundPort == nil, let range = text.range(of: "listening on http://127.0.0.1:") {
                    let digits = text[range.upperBound...].prefix { $0.isNumber }
                    if let port = Int(digits) { output.foundPort = port; ready.signal() }
                }
            }
            ready.signal()
        }
        _ = ready.wait(timeout: .now() + 30)
        guard let port = output.foundPort else {
            process.terminate()
            throw TestFailure("masker serve did not start: \(output.value)")
        }
        self.port = port
    }

    /// SIGTERM, then the exit status (0 after a graceful stop).
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `masker …` against this server's data directory and URL.
    func masker(_ arguments: [String], token: String? = nil, stdin: String? = nil, environment extra: [String: String] = [:]) throws -> MaskerProcess.Output {
        var environment = ["MASKER_DEV": "1", "MASKER_DATA_DIR": dataDirectory.url.path, "MASKER_SERVER": url]
        if let token { environment["MASKER_API_TOKEN"] = token }
        environment.merge(extra) { $1 }
        return try MaskerProcess.run(arguments, environment: environment, stdin: stdin)
    }
}
