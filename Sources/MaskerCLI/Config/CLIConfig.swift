import Foundation
import MaskerCore
import TOMLKit

/// Settings read from a TOML config file. Flags and environment variables override them.
///
/// ```toml
/// server = "http://127.0.0.1:8080"
/// policy = "configs/mask_policy.yaml"   # relative paths are relative to this file
/// data_dir = "~/.local/share/masker"
/// api_token = "..."                     # for commands that call a server
/// ```
public struct CLIConfig: Sendable, Equatable {
    public static let keys = ["server", "policy", "data_dir", "api_token"]

    public var path: String?
    public var server: String?
    public var policy: String?
    public var dataDirectory: String?
    public var apiToken: String?

    public init(path: String? = nil, server: String? = nil, policy: String? = nil,
                dataDirectory: String? = nil, apiToken: String? = nil) {
        self.path = path
        self.server = server
        self.policy = policy
        self.dataDirectory = dataDirectory
        self.apiToken = apiToken
    }

    /// Finds the config file: `--config`, then `MASKER_CONFIG` (both must exist), then
    /// `./masker.toml` and `~/.config/masker/config.toml` (used when present).
    public static func locate(flag: String?, environment: [String: String],
                              currentDirectory: String = FileManager.default.currentDirectoryPath) throws(CLIFailure) -> String? {
        let fileManager = FileManager.default
        if let explicit = flag ?? environment["MASKER_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard fileManager.fileExists(atPath: explicit) else {
                let origin = flag != nil ? "--config" : "MASKER_CONFIG"
                throw CLIFailure(.error, "config file \(explicit) (from \(origin)) does not exist; check the path or drop \(origin) to use the defaults")
            }
            return explicit
        }
        let local = (currentDirectory as NSString).appendingPathComponent("masker.toml")
        if fileManager.fileExists(atPath: local) { return local }
        if let home = environment["HOME"], !home.isEmpty {
            let user = (home as NSString).appendingPathComponent(".config/masker/config.toml")
            if fileManager.fileExists(atPath: user) { return user }
        }
        return nil
    }

    public static func load(path: String) throws(CLIFailure) -> CLIConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIFailure(.error, "cannot read config file \(path): \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(CLIFailure) -> CLIConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw CLIFailure(.error, "\(path):\(error.source.begin.line):\(error.source.begin.column): invalid TOML: \(error.description)")
        } catch {
            throw CLIFailure(.error, "\(path): invalid TOML")
        }
        var problems: [String] = []
        var config = CLIConfig(path: path)
        let directory = (path as NSString).deletingLastPathComponent
        for key in table.keys.sorted() {
            guard keys.contains(key) else {
                problems.append("unknown key '\(key)'\(Suggestion.hint(for: key, in: keys)); known keys: \(keys.joined(separator: ", "))")
                continue
            }
            guard let value = table[key]?.string else {
                problems.append("'\(key)' must be a string in quotes")
                continue
            }
            switch key {
            case "server": config.server = value
            case "policy": config.policy = resolve(value, against: directory)
            case "data_dir": config.dataDirectory = value.hasPrefix("~") ? value : resolve(value, against: directory)
            case "api_token": config.apiToken = value
            default: break
            }
        }
        guard problems.isEmpty else {
            throw CLIFailure(.error, problems.map { "\(path): \($0)" }.joined(separator: "\n"))
        }
        return config
    }

    static func resolve(_ path: String, against directory: String) -> String {
        guard !path.hasPrefix("/"), !path.hasPrefix("~"), !directory.isEmpty else { return path }
        return (directory as NSString).appendingPathComponent(path)
    }
}
