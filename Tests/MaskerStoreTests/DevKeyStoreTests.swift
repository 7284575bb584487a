import Crypto
import Foundation
import Logging
import MaskerCore
import MaskerStore
import MaskerTestSupport
import Testing

struct DevKeyStoreTests {
    @Test func generatesOnceWithOwnerOnlyPermissionsAndReusesIt() throws {
        let temp = try ScratchDirectory()
        let store = DevKeyStore(dataDirectory: DataDirectory(url: temp.url.appendingPathComponent("data")))
        let first = try store.loadOrCreate(kid: "K_DEV")
        #expect(first.created)
        let second = try store.loadOrCreate(kid: "K_DEV")
        #expect(!second.created)
        #expect(first.key == second.key)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path(for: "K_DEV").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let directoryAttributes = try FileManager.default.attributesOfItem(atPath: store.directory.path)
        #expect((directoryAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test func concurrentCreatorsAgreeOnOneKey() async throws {
        let temp = try ScratchDirectory()
        let store = DevKeyStore(dataDirectory: DataDirectory(url: temp.url))
        let keys = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<16 {
                group.addTask { try store.loadOrCreate(kid: "K_RACE").key.withUnsafeBytes { Data($0) } }
            }
            return try await group.reduce(into: Set<Data>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
    }

    @Test func refusesAKeyFileOthersCanRead() throws {
        let temp = try ScratchDirectory()
        let store = DevKeyStore(dataDirectory: DataDirectory(url: temp.url))
        _ = try store.loadOrCreate(kid: "K")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store.path(for: "K").path)
        #expect(throws: StoreError.self) { try store.existingKey(for: "K") }
        do {
            _ = try store.existingKey(for: "K")
        } catch {
            #expect("\(error)".contains("chmod 600"))
        }
    }

    @Test func aCorruptKeyFileIsAClearErrorThatDoesNotEchoItsContents() throws {
        let temp = try ScratchDirectory()
        let store = DevKeyStore(dataDirectory: DataDirectory(url: temp.url))
        try FileManager.default.createDirectory(at: store.directory, withIntermediateDirectories: true)
        let secret = "c2VjcmV0LWJ1dC10b28tc2hvcnQ="
        _ = FileManager.default.createFile(atPath: store.path(for: "K").path, contents: Data(secret.utf8),
                                       attributes: [.posixPermissions: 0o600])
        do {
            _ = try store.existingKey(for: "K")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("bytes instead of 32"))
            #expect(!"\(error)".contains(secret))
        }
    }

    @Test func anUnwritableDataDirectoryIsAClearError() throws {
        let temp = try ScratchDirectory()
        let blocker = temp.url.appendingPathComponent("file")
        _ = FileManager.default.createFile(atPath: blocker.path, contents: Data())
        let store = DevKeyStore(dataDirectory: DataDirectory(url: blocker.appendingPathComponent("data")))
        #expect(throws: StoreError.self) { try store.loadOrCreate(kid: "K") }
    }
}

struct KeyRingLoaderTests {
    static let key = Data(repeating: 1, count: 32).base64EncodedString()

    @Test func devModeGeneratesOnlyWhatIsMissingAndLogsNoKeyMaterial() throws {
        let temp = try ScratchDirectory()
        let environment = ["MASKER_DEV": "1", "MASKER_KEY_K_ENV": Self.key]
        let loader = KeyRingLoader(environment: environment, dataDirectory: DataDirectory(url: temp.url))
        let log = LogCapture()
        let (ring, errors) = try loader.load(requiredKids: ["K_ENV", "K_NEW"], generateMissing: true, logger: log.logger)
        #expect(errors.isEmpty)
        #expect(ring.currentKey(for: "K_ENV")?.withUnsafeBytes { Data($0) } == Data(base64Encoded: Self.key))
        #expect(ring.hasCurrentKey(for: "K_NEW"))
        #expect(!FileManager.default.fileExists(atPath: DevKeyStore(dataDirectory: DataDirectory(url: temp.url)).path(for: "K_ENV").path))
        let generated = try String(contentsOf: DevKeyStore(dataDirectory: DataDirectory(url: temp.url)).path(for: "K_NEW"), encoding: .utf8)
        #expect(log.lines.contains { $0.contains("generated a development key for kid K_NEW") })
        #expect(!log.lines.joined().contains(generated.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!log.lines.joined().contains(Self.key))
    }

    @Test func validationDoesNotGenerateKeys() throws {
        let temp = try ScratchDirectory()
        let loader = KeyRingLoader(environment: ["MASKER_DEV": "1"], dataDirectory: DataDirectory(url: temp.url))
        let (ring, _) = try loader.load(requiredKids: ["K"], generateMissing: false, logger: LogCapture().logger)
        #expect(!ring.hasCurrentKey(for: "K"))
        #expect(!FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("keys").path))
    }

    @Test func productionNeverGenerates() throws {
        let temp = try ScratchDirectory()
        let loader = KeyRingLoader(environment: [:], dataDirectory: DataDirectory(url: temp.url))
        let (ring, _) = try loader.load(requiredKids: ["K"], generateMissing: true, logger: LogCapture().logger)
        #expect(!ring.hasCurrentKey(for: "K"))
    }

    @Test(arguments: [("1", true), ("true", true), ("YES", true), ("0", false), ("", false), ("false", false)])
    func devModeFlag(_ value: String, _ expected: Bool) {
        #expect(KeyRingLoader.isDevMode(["MASKER_DEV": value]) == expected)
    }
}

struct DataDirectoryTests {
    @Test func environmentWinsThenConfigThenHome() {
        #expect(DataDirectory.resolve(environment: ["MASKER_DATA_DIR": "/srv/masker", "HOME": "/home/u"], configured: "/etc/x").url.path == "/srv/masker")
        #expect(DataDirectory.resolve(environment: ["HOME": "/home/u"], configured: "~/masker").url.path == "/home/u/masker")
        #expect(DataDirectory.resolve(environment: ["HOME": "/home/u"]).url.path == "/home/u/.local/share/masker")
    }
}

struct PolicyFileTests {
    @Test func invalidUTF8IsAPolicyIssueNotACrash() throws {
        let temp = try ScratchDirectory()
        let path = temp.url.appendingPathComponent("p.yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]))
        let (text, issue) = try PolicyFile.read(path)
        #expect(text == nil)
        #expect(issue?.code == .yamlSyntax)
    }

    @Test func aMissingFileOrADirectoryIsAReadError() throws {
        let temp = try ScratchDirectory()
        #expect(throws: PolicyFile.ReadError.self) { try PolicyFile.read(temp.url.appendingPathComponent("none.yaml").path) }
        #expect(throws: PolicyFile.ReadError.self) { try PolicyFile.read(temp.path) }
    }
}
