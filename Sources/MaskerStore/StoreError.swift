/// Failures of local storage. Messages name paths and causes, never file contents.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotWriteKey(path: String, reason: String)
    case cannotReadKey(path: String, reason: String)
    case invalidKeyFile(path: String, reason: String)
    case keyFileTooOpen(path: String, mode: String)

    public var description: String {
        switch self {
        case let .cannotCreateDirectory(path, reason):
            return "cannot create data directory \(path): \(reason). Set MASKER_DATA_DIR to a writable directory."
        case let .cannotWriteKey(path, reason):
            return "cannot write development key \(path): \(reason). Set MASKER_DATA_DIR to a writable directory."
        case let .cannotReadKey(path, reason):
            return "cannot read development key \(path): \(reason)."
        case let .invalidKeyFile(path, reason):
            return "development key file \(path) is unusable (\(reason)). Delete it to generate a new one; tokens minted with it will no longer rehydrate."
        case let .keyFileTooOpen(path, mode):
            return "development key file \(path) has mode \(mode); others could read it. Run `chmod 600 \(path)`."
        }
    }
}
