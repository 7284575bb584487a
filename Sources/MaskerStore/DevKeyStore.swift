import Crypto
import Foundation
import MaskerCore

/// Development keys: in dev mode (`MASKER_DEV=1`) a kid with no `MASKER_KEY_<kid>` gets a key
/// generated once and kept in `<data dir>/keys/<kid>.key` (mode 0600), so tokens minted yesterday
/// still rehydrate today without anyone handling key material.
public struct DevKeyStore: Sendable {
    public var directory: URL

    public init(dataDirectory: DataDirectory) {
        directory = dataDirectory.url.appendingPathComponent("keys")
    }

    public func path(for kid: String) -> URL {
        directory.appendingPathComponent("\(kid).key")
    }

    /// The stored key for `kid`, or nil when none has been generated yet.
    public func existingKey(for kid: String) throws -> SymmetricKey? {
        let path = path(for: kid).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw StoreError.cannotReadKey(path: path, reason: DataDirectory.reason(error))
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw StoreError.keyFileTooOpen(path: path, mode: String(mode, radix: 8))
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw StoreError.cannotReadKey(path: path, reason: DataDirectory.reason(error))
        }
        switch KeyRing.decode(text, variable: "the key file") {
        case let .success(key): return key
        case .failure(.notBase64): throw StoreError.invalidKeyFile(path: path, reason: "not base64")
        case let .failure(.wrongLength(_, bytes)):
            throw StoreError.invalidKeyFile(path: path, reason: "\(bytes) bytes instead of \(KeyRing.keyByteCount)")
        }
    }

    /// Returns the stored key, generating and storing one first if there is none. Safe when several
    /// processes start at once: the file is created with O_EXCL, so exactly one key wins and the
    /// others read it.
    public func loadOrCreate(kid: String) throws -> (key: SymmetricKey, created: Bool) {
        if let key = try existingKey(for: kid) { return (key, false) }
        _ = try DataDirectory(url: directory.deletingLastPathComponent()).ensureExists(subdirectory: "keys")
        let path = path(for: kid).path
        let encoded = KeyRing.generateEncodedKey() + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            if errno == EEXIST, let key = try existingKey(for: kid) { return (key, false) }
            throw StoreError.cannotWriteKey(path: path, reason: String(cString: strerror(errno)))
        }
        let written = encoded.utf8CString.withUnsafeBufferPointer { buffer in
            write(fd, buffer.baseAddress, buffer.count - 1) // without the C string's NUL
        }
        let synced = fsync(fd)
        close(fd)
        guard written == encoded.utf8.count, synced == 0 else {
            unlink(path)
            throw StoreError.cannotWriteKey(path: path, reason: String(cString: strerror(errno)))
        }
        guard let key = try existingKey(for: kid) else {
            throw StoreError.cannotReadKey(path: path, reason: "the file vanished after it was written")
        }
        return (key, true)
    }
}
