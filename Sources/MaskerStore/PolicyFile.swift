import Foundation
import MaskerCore

/// Reads policy files. An unreadable file is an I/O error (exit 1); a file that is not UTF-8 is a
/// policy problem and is reported as a `yaml_syntax` issue like any other.
public enum PolicyFile {
    public enum ReadError: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadable(path: String, reason: String)

        public var description: String {
            switch self {
            case let .unreadable(path, reason):
                return "cannot read policy file \(path): \(reason). Check the path (given by --policy, MASKER_POLICY_PATH or the config file)."
            }
        }
    }

    /// The file's text, or nil with a `yaml_syntax` issue when it is not valid UTF-8.
    public static func read(_ path: String) throws(ReadError) -> (text: String?, issue: PolicyIssue?) {
        let data: Data
        do {
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw ReadError.unreadable(path: path, reason: "no such file")
                }
                guard !isDirectory.boolValue else { throw ReadError.unreadable(path: path, reason: "it is a directory") }
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        } catch let error as ReadError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: DataDirectory.reason(error))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return (nil, PolicyIssue(.yamlSyntax, path: "", at: .start, message: "the file is not valid UTF-8 text",
                                     fix: "save the policy as UTF-8"))
        }
        return (text, nil)
    }
}
