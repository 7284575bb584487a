import MaskerServer
import Testing

struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080), ("0.0.0.0:9000", "0.0.0.0", 9000),
        ("[::1]:8443", "::1", 8443), (":7000", "127.0.0.1", 7000), ("localhost:1", "localhost", 1),
    ])
    func parses(_ text: String, _ host: String, _ port: Int) throws {
        #expect(try ListenAddress.parse(text) == ListenAddress(host: host, port: port))
    }

    @Test(arguments: ["", "8080", "host:", "host:-1", "host:65536", "host:http", "::1:80", "[::1]80", "[::1"])
    func rejects(_ text: String) {
        #expect(throws: ListenAddress.ParseError.self) { try ListenAddress.parse(text) }
    }

    @Test func defaultsToLoopback() throws {
        #expect(try ListenAddress.fromEnvironment([:]) == .default)
        #expect(ListenAddress.default.description == "127.0.0.1:8080")
        #expect(try ListenAddress.fromEnvironment(["MASKER_LISTEN_ADDR": "[::1]:9"]).description == "[::1]:9")
    }
}
