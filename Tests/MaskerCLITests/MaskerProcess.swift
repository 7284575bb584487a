import Foundation
import MaskerTestSupport

/// Runs the built `masker` / `masker-voice` binaries as a user would, with a controlled environment,
/// so tests see real exit codes and the real split between stdout and stderr.
struct MaskerProcess {
    struct Output {
        var code: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    /// The binaries sit beside the test bundle in SwiftPM's build directory.
    static var binDirectory: URL {
        if let explicit = ProcessInfo.processInfo.environment["MASKER_BIN_DIR"] {
            return URL(fileURLWithPath: explicit)
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }

    /// A minimal environment: no MASKER_* variables leak in from the developer's shell, and HOME
    /// points at an empty directory so no user config file is picked up.
    static func run(_ arguments: [String], binary: String = "masker", environment extra: [String: String] = [:],
                    stdin: String? = nil, in directory: URL? = nil, home: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? Repository.root
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                           "HOME": (home ?? FileManager.default.temporaryDirectory.appendingPathComponent("masker-empty-home")).path]
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read before waiting so a chatty process cannot fill the pipe and block.
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(code: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static let validKey = Data((0..<32).map { UInt8($0 * 3) }).base64EncodedString()
    static let auditKey = Data((0..<32).map { UInt8(200 - $0) }).base64EncodedString()

    /// What production (no MASKER_DEV) needs for the audit log, with the log in a fresh directory
    /// so tests never share one (each log has one writer).
    static func productionAudit() -> [String: String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("masker-test-\(UUID().uuidString)")
        return ["MASKER_AUDIT_HMAC_KEY": auditKey, "MASKER_AUDIT_LOG_PATH": directory.appendingPathComponent("audit.jsonl").path]
    }
}
