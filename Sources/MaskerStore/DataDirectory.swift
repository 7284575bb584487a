import Foundation

/// Where Masker keeps its state on this machine: dev keys now; the SQLite vault, audit log and
/// agents later. `MASKER_DATA_DIR`, else `~/.local/share/masker`.
public struct DataDirectory: Sendable, Equatable {
    public var url: URL

    public init(url: URL) {
        self.url = url
    }

    public static func resolve(environment: [String: String], configured: String? = nil) -> DataDirectory {
        if let path = environment["MASKER_DATA_DIR"], !path.isEmpty {
            return DataDirectory(url: URL(fileURLWithPath: expandTilde(path, environment: environment)))
        }
        if let configured, !configured.isEmpty {
            return DataDirectory(url: URL(fileURLWithPath: expandTilde(configured, environment: environment)))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return DataDirectory(url: URL(fileURLWithPath: home).appendingPathComponent(".local/share/masker"))
    }

    static func expandTilde(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }

    /// Creates the directory (and parents) readable by the owner only, since it holds keys and PHI.
    public func ensureExists(subdirectory: String? = nil) throws -> URL {
        let target = subdirectory.map { url.appendingPathComponent($0) } ?? url
        do {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError.cannotCreateDirectory(path: target.path, reason: Self.reason(error))
        }
        return target
    }

    static func reason(_ error: Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return (error as NSError).localizedDescription
    }
}
